// npm run bench:login-flood: createActivity's throughput alone, and during a flood of
// wrong-password sign-ins (each one a full scrypt at OWASP's cost, on unknown e-mails so
// that no rate limit stops it). Password hashing runs before any transaction and at most
// PASSWORD_HASH_CONCURRENCY at a time (one core's worth on 2 cores), so the flood should
// not take createActivity below half its throughput. Reports; never fails on a number.
//
//   npm run bench:login-flood [-- --seconds 5 --clients 8 --flood 30]
import { execFileSync, spawn } from "node:child_process";
import { createServer as createNetServer } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { buildProject, projectRoot } from "../scripts/build.mjs";
import { graphql } from "./e2e/http.mjs";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    clients: { type: "string", default: "8" },
    flood: { type: "string", default: "30" },
  },
});
const seconds = Number(values.seconds);
const clients = Number(values.clients);
const floodClients = Number(values.flood);
const serverUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432";

/** A TCP port nobody listens on right now. */
function freePort() {
  return new Promise((resolve) => {
    const server = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startServer(env) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(projectRoot, "dist/main.js")], {
    cwd: projectRoot,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      LOG_FORMAT: "json",
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      // The flood is the point: no rate limit may stop it.
      LOGIN_ATTEMPTS_PER_ADDRESS: "1000000",
      REGISTRATIONS_PER_ADDRESS: "1000000",
      LOGIN_FAILURES_PER_EMAIL: "1000",
      ...env,
    },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url: `${base}/graphql`, child };
    if (tries > 600) throw new Error("the server did not become ready in 60 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const REGISTER = `mutation($input: RegisterUserInput!) { registerUser(input: $input) { sessionToken } }`;
const CREATE = `mutation($input: CreateActivityInput!) { createActivity(input: $input) { activityId } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { userId } }`;

/** Runs `work` in `concurrency` loops until `until`; resolves with how many succeeded, and the error codes seen. */
async function loop(concurrency, until, work) {
  let done = 0;
  const codes = new Map();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < until; i++) {
        const result = await work(worker, i).catch((error) => ({
          errors: [{ message: String(error) }],
        }));
        const code = result.errors?.[0]?.extensions?.code ?? result.errors?.[0]?.message;
        if (code) codes.set(code, (codes.get(code) ?? 0) + 1);
        else done += 1;
      }
    }),
  );
  return { done, codes: Object.fromEntries(codes) };
}

async function measure(label, env) {
  const { url, child } = await startServer(env);
  try {
    const tokens = [];
    for (let i = 0; i < clients; i++) {
      const result = await graphql(url, REGISTER, {
        variables: {
          input: {
            email: `bench-${Date.now()}-${i}@example.com`,
            password: "long enough password",
          },
        },
      });
      tokens.push(result.data.registerUser.sessionToken);
    }
    const activity = (worker, i) =>
      graphql(url, CREATE, {
        variables: { input: { type: "run", title: `bench ${worker}-${i}` } },
        token: tokens[worker],
      });
    const wrongLogin = (worker, i) =>
      graphql(url, LOGIN, {
        variables: {
          input: { email: `nobody-${worker}-${i}@example.com`, password: "wrong password!!" },
        },
      });

    await loop(clients, performance.now() + 1_000, activity); // warm-up
    const alone = await loop(clients, performance.now() + seconds * 1_000, activity);
    const until = performance.now() + seconds * 1_000;
    const [during, flood] = await Promise.all([
      loop(clients, until, activity),
      loop(floodClients, until, wrongLogin),
    ]);
    return {
      label,
      alone: alone.done / seconds,
      during: during.done / seconds,
      logins: (flood.codes.INVALID_CREDENTIALS ?? 0) / seconds,
      floodCodes: flood.codes,
      errors: { ...alone.codes, ...during.codes },
    };
  } finally {
    child.kill("SIGTERM");
  }
}

await buildProject();
const admin = new pg.Client({ connectionString: new URL("/postgres", serverUrl).toString() });
await admin.connect();
await admin.query("DROP DATABASE IF EXISTS activelog_bench_flood WITH (FORCE)");
await admin.query("CREATE DATABASE activelog_bench_flood");
await admin.end();
const databaseUrl = new URL("/activelog_bench_flood", serverUrl).toString();
execFileSync(process.execPath, ["dist/db/cli/migrate.js"], {
  cwd: projectRoot,
  env: { ...process.env, DATABASE_URL: databaseUrl },
});
const scratch = await mkdtemp(join(tmpdir(), "activelog-bench-flood-"));

const results = [
  await measure("PostgreSQL", { DATABASE_URL: databaseUrl }),
  await measure("embedded", { PGLITE_DATA_DIR: join(scratch, "pglite") }),
];
await rm(scratch, { recursive: true, force: true });

console.log(
  `\ncreateActivity during a flood of ${floodClients} wrong-password sign-ins (${clients} clients, ${seconds} s each, node ${process.version}, load ${loadavg()[0].toFixed(2)})\n`,
);
console.log(
  "| database | createActivity alone | during the flood | ratio (target >= 0.5) | sign-ins checked during |",
);
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const r of results) {
  console.log(
    `| ${r.label} | ${r.alone.toFixed(0)}/s | ${r.during.toFixed(0)}/s | ${(r.during / r.alone).toFixed(2)} | ${r.logins.toFixed(1)}/s |`,
  );
}
for (const r of results) {
  if (Object.keys(r.errors).length)
    console.log(`${r.label}: createActivity errors ${JSON.stringify(r.errors)}`);
  console.log(`${r.label}: sign-in outcomes ${JSON.stringify(r.floodCodes)}`);
}

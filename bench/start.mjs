// npm run bench:start: how long `npm start`'s server takes to be ready, measured as a
// person sees it: from spawning `node dist/main.js` to its "ready" log line (the port is
// then listening). Reports; never fails on a number.
//
//   npm run bench:start [-- --runs 7]
//
// Scenarios (each run a fresh process, interleaved so that machine load hits all alike):
//   embedded, existing  PGLITE_DATA_DIR that holds a migrated database (the usual restart)
//   embedded, new       an empty PGLITE_DATA_DIR (first start: template copy + migrations)
//   PostgreSQL          DATABASE_URL (TEST_DATABASE_URL's server, database activelog_bench_start)
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { buildProject, projectRoot } from "../scripts/build.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
const serverUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432";

/** Milliseconds from spawn to the ready line; the server is then stopped. */
function timeToReady(env) {
  const started = performance.now();
  const child = spawn(process.execPath, [join(projectRoot, "dist/main.js")], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, PORT: "0", LOG_FORMAT: "json", LOG_LEVEL: "info", ...env },
  });
  let output = "";
  return new Promise((resolve, reject) => {
    let readyAfterMs;
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (readyAfterMs === undefined && output.includes("Activelog API ready at")) {
        readyAfterMs = performance.now() - started;
        child.kill("SIGTERM");
      }
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("exit", (code, signal) => {
      if (readyAfterMs !== undefined && code === 0) resolve(readyAfterMs);
      else reject(new Error(`the server exited with ${code ?? signal}:\n${output}`));
    });
  });
}

async function postgresDatabase() {
  const url = new URL(serverUrl);
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS activelog_bench_start WITH (FORCE)");
  await admin.query("CREATE DATABASE activelog_bench_start");
  await admin.end();
  url.pathname = "/activelog_bench_start";
  execFileSync(process.execPath, ["dist/db/cli/migrate.js"], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: url.toString() },
  });
  return url.toString();
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

await buildProject();
const scratch = await mkdtemp(join(tmpdir(), "activelog-bench-start-"));
const existingDir = join(scratch, "existing");
await timeToReady({ PGLITE_DATA_DIR: existingDir }); // creates and migrates it

const scenarios = [
  {
    name: "embedded, existing data directory",
    target: 1500,
    env: () => ({ PGLITE_DATA_DIR: existingDir }),
  },
  {
    name: "embedded, new data directory",
    target: 5000,
    env: async () => {
      const dir = join(scratch, "new");
      await rm(dir, { recursive: true, force: true });
      return { PGLITE_DATA_DIR: dir };
    },
  },
];
try {
  const url = await postgresDatabase();
  scenarios.push({ name: "PostgreSQL", target: 1000, env: () => ({ DATABASE_URL: url }) });
} catch (error) {
  console.log(`(PostgreSQL skipped: ${error.message})`);
}

const samples = new Map(scenarios.map((scenario) => [scenario.name, []]));
for (let round = 1; round <= runs; round++) {
  for (const scenario of scenarios) {
    samples.get(scenario.name).push(await timeToReady(await scenario.env()));
  }
}
await rm(scratch, { recursive: true, force: true });

const [load1] = loadavg();
console.log(
  `\nnpm start to ready, node ${process.version}, ${runs} runs each, load average ${load1.toFixed(2)}\n`,
);
console.log("| scenario | median | min | max | target |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const scenario of scenarios) {
  const xs = samples.get(scenario.name);
  const ms = (x) => `${(x / 1000).toFixed(2)} s`;
  console.log(
    `| ${scenario.name} | ${ms(median(xs))} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} | <= ${ms(scenario.target)} |`,
  );
}

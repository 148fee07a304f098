// npm run bench:e2e: the whole path, measured against what it is made of and against a
// hand-written peer. Starts everything it needs on loopback (a database per contender on
// the PostgreSQL server at TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432),
// runs the contenders in interleaved rounds (A, B, C, A, B, C ...) at 1 and 16 clients, and
// prints Markdown (medians and min-max over rounds of throughput, p50/p99 latency, CPU per
// operation, RSS, and the ratios between contenders, with the load average and Node
// version) on stdout; the same as JSON in bench/results/ (or --json <path>). Progress goes
// to stderr. Reports; never fails on a number. About 4 minutes with the defaults.
//
//   npm run bench:e2e [-- --rounds 7 --seconds 2 --warmup 1 --clients 1,16 --json out.json]
//
// Contenders (bench/README.md says more), each on its own database and process:
//   raw pg        BEGIN; INSERT activity; SELECT setting; INSERT notification; UPDATE user_stats; COMMIT
//   $transaction  the same writes in the app's prisma.$transaction, by hand      } in-process,
//   broker        broker.run(createActivityWorkflow)                             } closed loop
//   API           node dist/main.js, NODE_ENV=production: createActivity, and { me { email } }
//   peer          bench/peer/server.mjs (Apollo + Express + Prisma by hand): the same two
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg, platform, release } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { format } from "prettier";
import { buildProject, projectRoot } from "../scripts/build.mjs";
import {
  backendPids,
  countActivities,
  createMigratedDatabase,
  databaseUrl,
  dropDatabases,
  seedUsers,
} from "./e2e/databases.mjs";
import { startDriver } from "./e2e/driverProcess.mjs";
import { graphql, loadHttp, startServer } from "./e2e/http.mjs";
import { processCpuMs, processRssMb } from "./e2e/measure.mjs";
import { markdown, ratios, summarize } from "./e2e/report.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "7" },
    seconds: { type: "string", default: "2" },
    warmup: { type: "string", default: "1" },
    clients: { type: "string", default: "1,16" },
    json: { type: "string" },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const clientCounts = values.clients.split(",").map(Number);
const maxClients = Math.max(...clientCounts);
if (!(rounds >= 1 && seconds > 0 && warmup >= 0 && clientCounts.every((n) => n >= 1))) {
  console.error("Usage: npm run bench:e2e [-- --rounds N --seconds S --warmup S --clients 1,16]");
  process.exit(2);
}
/** Every contender's connection pool (the API's default, DATABASE_POOL_SIZE=10). */
const POOL_SIZE = 10;
/**
 * The servers' RSS is also read at one number of requests served, the same for both: the
 * one that served fewer in the rounds is topped up with `me` requests, for at most this
 * long (estimated from its `me` throughput in the rounds).
 */
const MAX_TOP_UP_SECONDS = 30;

const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
const log = (line) => console.error(`[${elapsed().toFixed(0).padStart(3)} s] ${line}`);
const loadBefore = loadavg();

const labels = {
  raw: "raw pg",
  prisma: "$transaction by hand",
  broker: "broker.run",
  api: "API (HTTP)",
  peer: "peer (HTTP)",
};
// In this order within odd rounds: A, B, C, A, B, C ...
const workloads = [
  { id: "raw:createActivity", contender: "raw", operation: "createActivity" },
  { id: "prisma:createActivity", contender: "prisma", operation: "createActivity" },
  { id: "broker:createActivity", contender: "broker", operation: "createActivity" },
  { id: "api:createActivity", contender: "api", operation: "createActivity" },
  { id: "peer:createActivity", contender: "peer", operation: "createActivity" },
  { id: "api:me", contender: "api", operation: "me" },
  { id: "peer:me", contender: "peer", operation: "me" },
];
/**
 * And in this order within even rounds: each pair the ratios compare (raw and by hand, by
 * hand and the broker, the API and the peer) the other way round, so that each side runs
 * as often just before the other as just after it, and a slow drift of the machine favours
 * neither. Not simply reversed: the last workload of one round would then also be the
 * first of the next, and a process measured twice in a row comes out slower (four identical
 * API servers measured in reversed rounds: the two at the ends, each measured twice in a row
 * at every turn, 5-10% below the two in the middle; probably the second run starts with the
 * first one's garbage, without the collection a process gets while it waits its turn).
 * Here no process runs twice in a row, within a round or across rounds.
 */
const workloadsSwapped = [
  "broker:createActivity",
  "prisma:createActivity",
  "raw:createActivity",
  "peer:createActivity",
  "api:createActivity",
  "peer:me",
  "api:me",
].map((id) => workloads.find((workload) => workload.id === id));
const OPERATIONS = {
  createActivity: `mutation { createActivity(input: {type: "run", title: "bench"}) { activity { id } } }`,
  me: "{ me { email } }",
};
const bodies = Object.fromEntries(
  Object.entries(OPERATIONS).map(([name, query]) => [name, JSON.stringify({ query })]),
);

// ---- cleanup: servers and drivers stopped, databases dropped, on every way out ----------
const databaseNames = [];
const stoppers = [];
let cleaning;
function cleanUp() {
  cleaning ??= (async () => {
    await Promise.all(stoppers.map((stop) => stop().catch(() => {})));
    await dropDatabases(databaseNames).catch((error) =>
      log(`could not drop ${databaseNames.join(", ")}: ${error.message}`),
    );
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers and dropping the databases`);
    cleanUp().finally(() => process.exit(130));
  });
}

const REGISTER = `mutation($input: RegisterUserInput!) { registerUser(input: $input) { sessionToken } }`;

/**
 * The API as it is deployed (production), on its own database. Client 0 signs up over
 * GraphQL; the others' users and sessions are seeded in SQL, as for the peer (a sign-up is
 * a scrypt hash: 0.3 s of CPU and 128 MiB while it runs, which would only inflate its RSS).
 */
async function startApi(url) {
  const seeded = await seedUsers(url, maxClients - 1);
  const server = await startServer(
    join(projectRoot, "dist/main.js"),
    {
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      LOG_FORMAT: "json",
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      SHUTDOWN_DELAY_MS: "0", // no load balancer to wait for: stop at once
    },
    // As the Docker image starts it (Dockerfile, CMD): on Node 20 this is V8's default.
    { cwd: projectRoot, execArgv: ["--max-semi-space-size=16"] },
  );
  stoppers.push(server.stop);
  const rssBeforeSignUp = processRssMb(server.pid);
  const input = { email: `bench-${randomUUID()}@example.com`, password: "long enough password" };
  const answer = await graphql(server.url, REGISTER, { variables: { input } });
  const token = answer.data?.registerUser?.sessionToken;
  if (!token) throw new Error(`registerUser failed: ${JSON.stringify(answer)}`);
  return {
    ...server,
    tokens: [token, ...seeded.map((user) => user.token)],
    rssBeforeSignUp,
    rssAfterSignUp: processRssMb(server.pid),
  };
}

/** The hand-written peer, on its own database; users and sessions seeded in SQL (it has no sign-up). */
async function startPeer(url) {
  const tokens = (await seedUsers(url, maxClients)).map((user) => user.token);
  const server = await startServer(
    join(projectRoot, "bench/peer/server.mjs"),
    { NODE_ENV: "production", DATABASE_URL: url, DATABASE_POOL_SIZE: String(POOL_SIZE) },
    { cwd: projectRoot },
  );
  stoppers.push(server.stop);
  return { ...server, tokens };
}

/** Both operations once per HTTP contender, answered as expected, before anything is timed. */
async function checkAnswers(contender) {
  const created = await graphql(contender.url, OPERATIONS.createActivity, {
    token: contender.tokens[0],
  });
  const me = await graphql(contender.url, OPERATIONS.me, { token: contender.tokens[0] });
  if (!created.data?.createActivity?.activity?.id || !me.data?.me?.email) {
    throw new Error(`${contender.id} answered ${JSON.stringify({ created, me })}`);
  }
  contender.served += 2;
  contender.created += 1;
}

async function backendCpu(admin, database) {
  const pids = await backendPids(admin, database);
  return new Map(pids.map((pid) => [pid, processCpuMs(pid)]));
}

/** One timed run of `workload` at `concurrency` clients. */
async function measure(admin, contenders, workload, concurrency, duration) {
  const contender = contenders[workload.contender];
  const pgBefore = await backendCpu(admin, contender.database);
  const cpuBefore = contender.kind === "http" ? processCpuMs(contender.pid) : null;
  const loaderBefore = process.cpuUsage();
  const result =
    contender.kind === "http"
      ? await loadHttp({
          url: contender.url,
          body: bodies[workload.operation],
          tokens: contender.tokens.slice(0, concurrency),
          seconds: duration,
        })
      : await contender.run({
          concurrency,
          seconds: duration,
          userIds: contender.userIds.slice(0, concurrency),
        });
  const loader = process.cpuUsage(loaderBefore);
  const cpuAfter = contender.kind === "http" ? processCpuMs(contender.pid) : null;
  const pgAfter = await backendCpu(admin, contender.database);
  let pgCpuMs = 0;
  for (const [pid, cpu] of pgAfter) pgCpuMs += (cpu ?? 0) - (pgBefore.get(pid) ?? 0);
  const cpuMs =
    contender.kind === "http"
      ? cpuBefore === null || cpuAfter === null
        ? null
        : cpuAfter - cpuBefore
      : result.cpuMs;
  const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
  contender.served += result.ok + errors;
  if (workload.operation === "createActivity") contender.created += result.ok;
  const perOp = (ms) => (ms === null || result.ok === 0 ? null : ms / result.ok);
  return {
    opsPerSec: result.ok / (result.elapsedMs / 1000),
    p50Ms: result.p50,
    p99Ms: result.p99,
    cpuMsPerOp: perOp(cpuMs),
    pgCpuMsPerOp: pgAfter.size && pgCpuMs > 0 ? perOp(pgCpuMs) : null,
    loaderCpuMsPerOp:
      contender.kind === "http" ? perOp((loader.user + loader.system) / 1000) : undefined,
    ok: result.ok,
    errors: result.errors,
    elapsedMs: result.elapsedMs,
  };
}

const minutes = (s) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
const fixed = (x, n = 2) => (x == null ? "n/a" : x.toFixed(n));

async function main() {
  const built = await buildProject({ log });
  if (built.compiled) log(`dist/ built (${built.compiled} files)`);

  const prefix = `activelog_bench_e2e_${process.pid}`;
  const kinds = ["raw", "prisma", "broker", "api", "peer"];
  const httpKinds = ["api", "peer"];
  log(`creating and migrating ${kinds.length} databases (${prefix}_*)`);
  const urls = {};
  await Promise.all(
    kinds.map(async (kind) => {
      const name = `${prefix}_${kind}`;
      databaseNames.push(name);
      urls[kind] = await createMigratedDatabase(name, { projectRoot });
    }),
  );

  log("starting the contenders");
  const contenders = {};
  for (const kind of ["raw", "prisma", "broker"]) {
    const users = await seedUsers(urls[kind], maxClients);
    const driver = await startDriver(kind, urls[kind], POOL_SIZE);
    stoppers.push(driver.stop);
    contenders[kind] = { ...driver, kind: "driver", userIds: users.map((u) => u.userId) };
  }
  contenders.api = { ...(await startApi(urls.api)), kind: "http" };
  contenders.peer = { ...(await startPeer(urls.peer)), kind: "http" };
  for (const kind of kinds) {
    Object.assign(contenders[kind], {
      id: kind,
      database: `${prefix}_${kind}`,
      served: 0,
      created: 0,
    });
  }
  contenders.api.served += 1; // the sign-up
  await checkAnswers(contenders.api);
  await checkAnswers(contenders.peer);

  const admin = new pg.Client({ connectionString: databaseUrl("postgres") });
  await admin.connect();
  const postgres = (await admin.query("SHOW server_version")).rows[0].server_version;
  const memory = Object.fromEntries(kinds.map((kind) => [kind, { checkpoints: [] }]));
  const checkpoint = (label) => {
    for (const kind of kinds) {
      const rssMb = processRssMb(contenders[kind].pid);
      memory[kind].checkpoints.push({ after: label, served: contenders[kind].served, rssMb });
    }
  };

  const samples = [];
  try {
    if (warmup > 0) {
      log(`warm-up: ${warmup} s per workload at ${maxClients} clients`);
      for (const workload of workloads) {
        await measure(admin, contenders, workload, maxClients, warmup);
      }
    }
    checkpoint("warm-up");
    for (let round = 1; round <= rounds; round++) {
      for (const clients of clientCounts) {
        // Each pair the other way round in even rounds (workloadsSwapped).
        for (const workload of round % 2 === 1 ? workloads : workloadsSwapped) {
          const sample = await measure(admin, contenders, workload, clients, seconds);
          samples.push({ round, clients, workload: workload.id, ...sample });
          const errors = Object.values(sample.errors).reduce((a, b) => a + b, 0);
          log(
            `round ${round}/${rounds}, ${String(clients).padStart(2)} clients, ${workload.id.padEnd(21)} ` +
              `${sample.opsPerSec.toFixed(0).padStart(5)} ops/s, p50 ${fixed(sample.p50Ms)} ms, ` +
              `p99 ${fixed(sample.p99Ms)} ms, CPU ${fixed(sample.cpuMsPerOp, 3)} ms/op` +
              (errors ? `, ${errors} errors ${JSON.stringify(sample.errors)}` : ""),
          );
        }
      }
      checkpoint(`round ${round}`);
    }
  } finally {
    await admin.end();
  }

  // RSS of the servers at the same number of requests served: the one behind topped up with `me`.
  const fixedCount =
    Math.ceil(Math.max(...httpKinds.map((kind) => contenders[kind].served)) / 1000) * 1000;
  for (const kind of httpKinds) {
    const contender = contenders[kind];
    const rate = summarize(samples, workloads, [maxClients]).find(
      (row) => row.workload === `${kind}:me`,
    )?.opsPerSec?.median;
    const amount = Math.min(fixedCount - contender.served, Math.floor(rate * MAX_TOP_UP_SECONDS));
    if (amount > 0) {
      log(
        `${labels[kind]}: ${amount} more \`me\` requests, to ${contender.served + amount} served`,
      );
      const result = await loadHttp({
        url: contender.url,
        body: bodies.me,
        tokens: contender.tokens,
        amount,
      });
      contender.served += result.ok + Object.values(result.errors).reduce((a, b) => a + b, 0);
    }
    memory[kind].fixedCount = { served: contender.served, rssMb: processRssMb(contender.pid) };
  }

  // Sanity: every counted createActivity is in its database, and the stats agree with the rows.
  const checks = [];
  for (const kind of kinds) {
    const { activities, counted } = await countActivities(urls[kind]);
    const expected = contenders[kind].created;
    const ok = activities === counted && activities === expected;
    checks.push(
      `${labels[kind]} ${ok ? "ok" : "MISMATCH"} (${activities} activities, ` +
        `${counted} counted in user_stats, ${expected} answered)`,
    );
  }

  const memoryRows = kinds.map((kind) => {
    const points = memory[kind].checkpoints;
    return {
      contender: kind,
      afterWarmup: points[0].rssMb,
      afterRounds: points.at(-1).rssMb,
      servedAfterRounds: points.at(-1).served,
      fixedCount: memory[kind].fixedCount,
      ...(kind === "api" && {
        signUp: {
          rssBefore: contenders.api.rssBeforeSignUp,
          rssAfter: contenders.api.rssAfterSignUp,
        },
      }),
      checkpoints: points,
    };
  });

  const pairs = [
    ...clientCounts.flatMap((clients) => [
      {
        label: "API / peer, createActivity",
        a: "api:createActivity",
        b: "peer:createActivity",
        clients,
      },
      { label: "API / peer, me", a: "api:me", b: "peer:me", clients },
      {
        label: "broker / $transaction by hand",
        a: "broker:createActivity",
        b: "prisma:createActivity",
        clients,
      },
      {
        label: "$transaction by hand / raw pg",
        a: "prisma:createActivity",
        b: "raw:createActivity",
        clients,
      },
    ]),
    {
      label: "broker / raw pg",
      a: "broker:createActivity",
      b: "raw:createActivity",
      clients: maxClients,
    },
  ];
  const summary = summarize(samples, workloads, clientCounts);
  const ratioRows = ratios(samples, pairs);

  await cleanUp();
  const durationSeconds = elapsed();
  const cpuList = cpus();
  const meta = {
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? "unknown CPU",
    postgres,
    loadBefore,
    loadAfter: loadavg(),
    rounds,
    seconds,
    warmup,
    clients: clientCounts,
    poolSize: POOL_SIZE,
    durationSeconds,
    durationText: minutes(durationSeconds),
  };
  console.log(markdown({ meta, labels, summary, ratioRows, memory: memoryRows, checks }));

  const jsonPath =
    values.json ??
    join(
      projectRoot,
      "bench/results",
      `e2e-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
    );
  await mkdir(dirname(jsonPath), { recursive: true });
  const report = { meta, labels, workloads, summary, ratios: ratioRows, memory: memoryRows };
  // Formatted as `npm run format:check` wants it: a report left in bench/results passes.
  const json = await format(JSON.stringify({ ...report, checks, samples }), { parser: "json" });
  await writeFile(jsonPath, json);
  log(`JSON: ${relative(process.cwd(), jsonPath)}`);
}

try {
  await main();
} catch (error) {
  log(`failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
// Prisma's and pg's handles must not keep the process alive: the work is done.
process.exit();

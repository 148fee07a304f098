// One in-process contender of `npm run bench:e2e`, in a process of its own (forked by
// bench/e2e.mjs, which talks to it over IPC), so that its CPU time and RSS are its own; or
// two that take turns in one process, for `npm run bench:broker-ab` (bench/brokerAb.mjs).
// It does the createActivity workflow's three writes in one transaction (the notification's
// insert reads the user's notification setting itself, as SendNotification's does), one
// of three ways:
//
//   raw     pg: BEGIN; INSERT activity; INSERT notification ... SELECT; UPDATE user_stats; COMMIT
//   prisma  the app's Prisma client (openDatabase from dist/db): prisma.$transaction(async tx => ...)
//   broker  broker.run(createActivityWorkflow), as the API runs it, without HTTP and GraphQL
//   steps   the workflow's use cases in a bare loop in database.transactions (for bench:instructions)
//
// and drives it in a closed loop: `concurrency` clients, each its own user, each starting
// its next operation when the last one finished, for `seconds`. With BENCH_COUNT_RUNS set,
// it runs a set number of operations under callgrind instead (see countInstructions).
import { randomUUID } from "node:crypto";
import pg from "pg";
import { latencySummary } from "./measure.mjs";

const kind = process.argv[2];
const url = process.env.DATABASE_URL;
const poolSize = Number(process.env.DATABASE_POOL_SIZE);

/** What every contender writes: the input the API builds from `{type: "run", title: "bench"}`. */
const newActivity = (userId) => ({
  userId,
  type: "run",
  title: "bench",
  description: null,
  durationMinutes: null,
  distanceKm: null,
  activityDate: new Date(),
});

async function rawPg() {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  async function createActivity(userId) {
    const input = newActivity(userId);
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query(
        `INSERT INTO activities (id, user_id, activity_type, title, description, duration_minutes,
           distance_km, activity_date, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) RETURNING *`,
        [
          randomUUID(),
          userId,
          input.type,
          input.title,
          input.description,
          input.durationMinutes,
          input.distanceKm,
          input.activityDate,
        ],
      );
      await client.query(
        `INSERT INTO notifications (id, user_id, message)
         SELECT gen_random_uuid(), id, $2 FROM users WHERE id = $1 AND activity_notifications
         RETURNING id::text`,
        [userId, `Activity logged: ${rows[0].title}`],
      );
      await client.query(
        `UPDATE user_stats SET total_activities = total_activities + 1, updated_at = now()
         WHERE user_id = $1 RETURNING total_activities`,
        [userId],
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
  return { createActivity, close: () => pool.end() };
}

async function prismaTransaction() {
  const { openDatabase } = await import("../../dist/db/index.js");
  const database = await openDatabase({ kind: "postgres", url, poolSize });
  // The workflow's three use cases, written out by hand as createActivity.workflow.ts's
  // steps write them (raw SQL through the transaction client, Prisma's $queryRaw).
  async function createActivity(userId) {
    const input = newActivity(userId);
    await database.prisma.$transaction(
      async (tx) => {
        const { type, title, description, durationMinutes, distanceKm, activityDate } = input;
        const [activity] = await tx.$queryRaw`
          INSERT INTO activities (id, user_id, activity_type, title, description, duration_minutes,
            distance_km, activity_date, updated_at)
          VALUES (gen_random_uuid(), ${userId}::uuid, ${type}, ${title}, ${description},
            ${durationMinutes}::integer, ${distanceKm}::numeric, ${activityDate}::timestamptz, now())
          RETURNING id::text, user_id::text AS "userId", activity_type AS type, title,
            description, duration_minutes AS "durationMinutes", distance_km::float8 AS "distanceKm",
            activity_date AS "activityDate", created_at AS "createdAt", updated_at AS "updatedAt"`;
        const message = `Activity logged: ${activity.title}`;
        await tx.$queryRaw`
          INSERT INTO notifications (id, user_id, message)
          SELECT gen_random_uuid(), id, ${message} FROM users
          WHERE id = ${userId}::uuid AND activity_notifications
          RETURNING id::text`;
        await tx.$queryRaw`
          UPDATE user_stats SET total_activities = total_activities + 1, updated_at = now()
          WHERE user_id = ${userId}::uuid
          RETURNING total_activities AS "totalActivities"`;
      },
      { isolationLevel: "ReadCommitted", timeout: 5_000 },
    );
  }
  return { createActivity, close: () => database.close() };
}

async function broker() {
  const [{ openDatabase }, { asyncLocalStorageIsCheap, createBroker }, { createActivityWorkflow }] =
    await Promise.all([
      import("../../dist/db/index.js"),
      import("../../dist/broker/index.js"),
      import("../../dist/activities/index.js"),
    ]);
  const database = await openDatabase({ kind: "postgres", url, poolSize });
  // As the server creates it in production: through database.transactions (cancels on
  // abort), silent logs, nested runs refused where that costs next to nothing (server.ts).
  const runner = createBroker({
    client: database.transactions,
    workflows: [createActivityWorkflow],
    refuseNestedRuns: asyncLocalStorageIsCheap,
  });
  return {
    createActivity: (userId) => runner.run(createActivityWorkflow, newActivity(userId)),
    close: () => database.close(),
  };
}

/**
 * The floor under any runner of steps (for bench/instructions.mjs): the workflow's three
 * use cases called one after another in one transaction of `database.transactions` (as
 * the broker's: Prisma's client without its proxies, the transaction-control guard), each
 * given a context, their outputs merged as the broker merges them; no deadline, stop
 * signal, timings or logs.
 */
async function steps() {
  const [{ openDatabase }, { createActivityWorkflow }] = await Promise.all([
    import("../../dist/db/index.js"),
    import("../../dist/activities/index.js"),
  ]);
  const database = await openDatabase({ kind: "postgres", url, poolSize });
  const context = { workflow: createActivityWorkflow.name, attempt: 1 };
  async function createActivity(userId) {
    await database.transactions.$transaction(
      async (tx) => {
        let available = newActivity(userId);
        const result = {};
        for (const step of createActivityWorkflow.steps) {
          const output = await step.run(available, { ...context, tx, step: step.name });
          available = { ...available, ...output };
          Object.assign(result, output);
        }
        return result;
      },
      { isolationLevel: "ReadCommitted", timeout: 5_000 },
    );
  }
  return { createActivity, close: () => database.close() };
}

const contenders = { raw: rawPg, prisma: prismaTransaction, broker, steps };
// Usually one; several, comma-separated, for bench:broker-ab, which compares them in one
// process (each `run` message then names its contender).
const kinds = kind.split(",");
for (const name of kinds) if (!contenders[name]) throw new Error(`unknown contender ${name}`);
const byName = Object.fromEntries(
  await Promise.all(kinds.map(async (name) => [name, await contenders[name]()])),
);
const closeAll = () => Promise.all(Object.values(byName).map((each) => each.close()));

if (process.env.BENCH_COUNT_RUNS !== undefined) {
  await countInstructions();
  process.exit(0);
}

/**
 * For bench/instructions.mjs, which runs this file under valgrind's callgrind with
 * instrumentation off: BENCH_WARMUP_RUNS runs, then instrumentation on for
 * BENCH_COUNT_RUNS runs, then off; BENCH_CLIENTS closed loops, as BENCH_USER_IDS.
 */
async function countInstructions() {
  const { execFile } = await import("node:child_process");
  const { promisify } = await import("node:util");
  const callgrind = (option) =>
    promisify(execFile)("callgrind_control", [option, `${process.pid}`]);
  const userIds = process.env.BENCH_USER_IDS.split(",");
  const clients = Number(process.env.BENCH_CLIENTS);
  let failed = 0;
  // A run that fails (under valgrind, a start that waited too long for a connection) is
  // counted and reported, not fatal.
  const runs = async (count, concurrency) => {
    let started = 0;
    const more = () => (started += 1) <= count;
    const { errors } = await closedLoops(byName[kinds[0]], concurrency, userIds, more);
    for (const times of errors.values()) failed += times;
  };
  // One client first: under valgrind the first transactions are slow enough that clients
  // queued behind them would give up waiting for a connection (Prisma's maxWait).
  await runs(30, 1);
  await runs(Number(process.env.BENCH_WARMUP_RUNS), clients);
  await callgrind("--instr=on");
  await runs(Number(process.env.BENCH_COUNT_RUNS), clients);
  await callgrind("--instr=off");
  await closeAll();
  console.log(JSON.stringify({ failed }));
}

/**
 * `concurrency` closed loops of the contender `target`, client i as userIds[i], each
 * starting its next operation while `more()` says so; resolves with the operations that
 * succeeded, their latencies, and the failures by error code.
 */
async function closedLoops(target, concurrency, userIds, more) {
  const latencies = [];
  const errors = new Map();
  let ok = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      const userId = userIds[client % userIds.length];
      while (more()) {
        const begun = performance.now();
        try {
          await target.createActivity(userId);
          latencies.push(performance.now() - begun);
          ok += 1;
        } catch (error) {
          const key = error?.code ?? error?.name ?? String(error);
          errors.set(key, (errors.get(key) ?? 0) + 1);
        }
      }
    }),
  );
  return { ok, errors, latencies };
}

/**
 * `concurrency` closed loops of the contender named `of` (the first by default), client i
 * as userIds[i], until `seconds` have passed.
 */
async function run({ concurrency, seconds, userIds, of = kinds[0] }) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  const { ok, errors, latencies } = await closedLoops(
    byName[of],
    concurrency,
    userIds,
    () => performance.now() < until,
  );
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ok,
    errors: Object.fromEntries(errors),
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...latencySummary(latencies),
  };
}

process.on("message", async (message) => {
  if (message.type === "run") {
    process.send({ type: "result", result: await run(message) });
  } else if (message.type === "close") {
    await closeAll();
    process.disconnect();
    process.exit(0);
  }
});
// The benchmark went away: do not linger.
process.on("disconnect", () => process.exit(0));
process.send({ type: "ready" });

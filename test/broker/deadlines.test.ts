import { setTimeout as abortableSleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  createBroker,
  defineUseCase,
  defineWorkflow,
  TransactionStartTimeoutError,
  WorkflowTimeoutError,
  type TransactionRunner,
} from "../../src/broker/index.js";
import {
  createEmbeddedTestDatabase,
  createPostgresTestDatabase,
  type DatabaseKind,
  type TestDatabase,
  useTestDatabase,
} from "../helpers/testDatabases.js";
import {
  insertUser,
  rowCounts,
  sleep,
  watchUnhandledRejections,
  type Context,
  type Tx,
} from "./fixtures.js";

const stepRuns: string[] = [];
/** The signal the last "WaitsForAbort" step was given. */
let seenSignal: AbortSignal | undefined;
/** Settles when the last "Lingering" step, which ignores the abort, has finished its work. */
let lingering: Promise<unknown> = Promise.resolve();
let lingerWokeUp = false;
/** Wakes the "Lingering" step up: the test does, once it has seen the run settle. */
let wakeLingering = () => {};

const createActivity = defineUseCase({
  name: "CreateActivity",
  async run(input: { userId: string }, { tx, step }: Context) {
    stepRuns.push(step);
    const row = await tx.activity.create({
      data: { userId: input.userId, type: "run", title: "t", activityDate: new Date() },
    });
    return { activityId: row.id };
  },
});
const updateStats = defineUseCase({
  name: "UpdateStats",
  async run(input: { userId: string }, { tx, step }: Context) {
    stepRuns.push(step);
    await tx.userStats.update({
      where: { userId: input.userId },
      data: { totalActivities: { increment: 1 } },
    });
    return { counted: true };
  },
});
/** Ignores its signal: sleeps until the test wakes it, then tries to write through the transaction anyway. */
const lingers = defineUseCase({
  name: "Lingering",
  async run(input: { userId: string }, { tx, step }: Context) {
    stepRuns.push(step);
    lingerWokeUp = false;
    // Or after 10 s: a run that waited for the step then settles, and the test says so.
    const woken = Promise.race([
      new Promise<void>((resolve) => (wakeLingering = resolve)),
      sleep(10_000),
    ]);
    const work = (async () => {
      await woken;
      lingerWokeUp = true;
      await tx.notification.create({ data: { userId: input.userId, message: "too late" } });
    })();
    lingering = work.then(
      () => "wrote",
      (error: unknown) => error,
    );
    await work;
    return { lingered: true };
  },
});
/** Honours its signal: waits for it. */
const waitsForAbort = defineUseCase({
  name: "WaitsForAbort",
  async run(_input: object, { signal, step }: Context) {
    stepRuns.push(step);
    seenSignal = signal;
    await abortableSleep(60_000, undefined, { signal });
    return {};
  },
});
/** Blocks the event loop for `blockMs` (so the deadline timer cannot fire), then returns. */
const blocks = defineUseCase({
  name: "Blocking",
  async run(input: { blockMs: number }, { step }: Context) {
    stepRuns.push(step);
    const until = Date.now() + input.blockMs;
    while (Date.now() < until) {
      // busy
    }
    return {};
  },
});

// A deadline long enough for CreateActivity's insert on a busy machine: the deadline is
// to pass in Lingering, which does not return before the test wakes it.
const lingeringWorkflow = defineWorkflow<{ userId: string }>()(
  "lingering",
  [createActivity, lingers, updateStats],
  { timeout: 1_000 },
);
const abortWorkflow = defineWorkflow<{ userId: string }>()(
  "abort",
  [createActivity, waitsForAbort, updateStats],
  { timeout: 300 },
);
const blockingWorkflow = defineWorkflow<{ userId: string; blockMs: number }>()(
  "blocking",
  [createActivity, blocks, updateStats],
  { timeout: 200 },
);
// Its steps must finish well within the deadline even on a loaded machine (a run of the
// suite at load average 20 once took longer than 200 ms for the two statements).
const quickWorkflow = defineWorkflow<{ userId: string }>()("quick", [createActivity, updateStats], {
  timeout: 1_000,
  maxWait: 150,
});
const workflows = [lingeringWorkflow, abortWorkflow, blockingWorkflow, quickWorkflow] as const;

/** PostgreSQL with a single connection, so a second transaction has to wait, as on PGlite. */
function createDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === "postgres"
    ? createPostgresTestDatabase({ poolSize: 1 })
    : createEmbeddedTestDatabase();
}

describe.each<DatabaseKind>(["postgres", "embedded"])("deadlines on the %s database", (kind) => {
  const database = useTestDatabase(() => createDatabase(kind));
  const brokerFor = (client: TransactionRunner<Tx> = database.prisma) =>
    createBroker({ client, workflows });

  it("stops at the deadline: no later step runs, nothing is written, and the error names the step", async () => {
    const userId = await insertUser(database.prisma);
    const unhandled = watchUnhandledRejections();
    stepRuns.length = 0;
    // The step sleeps until the run has settled (or 10 s have passed: see Lingering).
    const error = await brokerFor()
      .run(lingeringWorkflow, { userId })
      .catch((e: unknown) => e);
    const stepStillAsleep = !lingerWokeUp;
    wakeLingering();

    expect(error).toBeInstanceOf(WorkflowTimeoutError);
    expect(error).toMatchObject({
      code: "WORKFLOW_TIMEOUT",
      workflow: "lingering",
      step: "Lingering",
      timeoutMs: 1_000,
    });
    // The run did not wait for the step that ignored its signal.
    expect(stepStillAsleep).toBe(true);
    expect(stepRuns).toEqual(["CreateActivity", "Lingering"]);

    // The step kept going after the deadline; its late write failed and harmed nothing.
    const late = await lingering;
    expect(late).toBeInstanceOf(Error);
    expect((late as Error).message).toMatch(/Transaction already closed|expired transaction/);
    expect(stepRuns).toEqual(["CreateActivity", "Lingering"]);
    expect(await rowCounts(database.prisma, userId)).toEqual({
      activities: 0,
      notifications: 0,
      totalActivities: 0,
    });
    expect(unhandled.stop()).toEqual([]);
  });

  it("aborts the step's signal at the deadline, with the timeout as its reason", async () => {
    const userId = await insertUser(database.prisma);
    stepRuns.length = 0;
    const error = await brokerFor()
      .run(abortWorkflow, { userId })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowTimeoutError);
    expect(error).toMatchObject({ step: "WaitsForAbort" });
    expect(seenSignal?.aborted).toBe(true);
    expect(seenSignal?.reason).toBe(error);
    expect(stepRuns).toEqual(["CreateActivity", "WaitsForAbort"]);
    expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 0 });
  });

  it("starts no step after the deadline, even when a blocked event loop delayed the timer", async () => {
    const userId = await insertUser(database.prisma);
    stepRuns.length = 0;
    const error = await brokerFor()
      .run(blockingWorkflow, { userId, blockMs: 400 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowTimeoutError);
    // The deadline passed while Blocking ran; UpdateStats was about to start.
    expect(error).toMatchObject({ step: "UpdateStats" });
    expect(stepRuns).toEqual(["CreateActivity", "Blocking"]);
    expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 0 });
  });

  it("reports a run whose commit succeeded as a success, even if the deadline passed by then", async () => {
    const userId = await insertUser(database.prisma);
    // Resolves only well after the commit, as a slow commit acknowledgement would.
    const slowToAnswer: TransactionRunner<Tx> = {
      async $transaction(fn, options) {
        const result = await database.prisma.$transaction(fn, options);
        await sleep(400);
        return result;
      },
    };
    const run = await brokerFor(slowToAnswer).run(quickWorkflow, { userId });
    expect(run.output).toEqual({ activityId: expect.any(String), counted: true });
    expect(run.durationMs).toBeGreaterThan(200);
    expect(await rowCounts(database.prisma, userId)).toMatchObject({
      activities: 1,
      totalActivities: 1,
    });
  });

  it("reports a timeout, and writes nothing, when the transaction expired before its commit", async () => {
    const userId = await insertUser(database.prisma);
    // Holds the transaction open after the steps are done until Prisma's own timer has expired it.
    const slowToCommit: TransactionRunner<Tx> = {
      $transaction(fn, options) {
        return database.prisma.$transaction(async (tx) => {
          const result = await fn(tx);
          await sleep((options?.timeout ?? 0) + 300);
          return result;
        }, options);
      },
    };
    const error = await brokerFor(slowToCommit)
      .run(quickWorkflow, { userId })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowTimeoutError);
    expect(error).toMatchObject({ workflow: "quick", step: undefined, timeoutMs: 1_000 });
    expect(await rowCounts(database.prisma, userId)).toMatchObject({
      activities: 0,
      totalActivities: 0,
    });
  });

  it("fails with TransactionStartTimeoutError when no connection frees up within maxWait", async () => {
    const userId = await insertUser(database.prisma);
    stepRuns.length = 0;
    // Holds the only connection for a while.
    const holder = database.prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        await sleep(800);
      },
      { timeout: 5_000 },
    );
    await sleep(50);
    const error = await brokerFor()
      .run(quickWorkflow, { userId })
      .catch((e: unknown) => e);
    await holder;

    expect(error).toBeInstanceOf(TransactionStartTimeoutError);
    expect(error).toMatchObject({
      code: "TRANSACTION_START_TIMEOUT",
      workflow: "quick",
      maxWaitMs: 150,
    });
    expect(stepRuns).toEqual([]);
    // The database is fine afterwards.
    const run = await brokerFor().run(quickWorkflow, { userId });
    expect(run.attempts).toBe(1);
    expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 1 });
  });
});

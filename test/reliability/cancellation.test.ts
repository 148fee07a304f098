/**
 * A run that must stop (its deadline passed, or its caller gave up) stops the database
 * too: the statement in flight is cancelled, its locks are released, the connection is
 * usable again at once, and nothing is written. On PostgreSQL the statement is cancelled
 * with a cancel request; on the embedded database by restarting its thread.
 *
 * Time bounds here are ten times the usual value or more (the deadline is 500 ms, the
 * blocked statement would run 30 s): they tell "stopped at the deadline" from "waited for
 * the statement", not fast from slow.
 */
import { describe, expect, it } from "vitest";
import pg from "pg";
import {
  createBroker,
  defineUseCase,
  defineWorkflow,
  WorkflowAbortedError,
  WorkflowTimeoutError,
} from "../../src/broker/index.js";
import { insertUser, rowCounts, type Context } from "../broker/fixtures.js";
import {
  createEmbeddedTestDatabase,
  createEmbeddedTestDatabaseOnDisk,
  createPostgresTestDatabase,
  type DatabaseKind,
  useTestDatabase,
} from "../helpers/testDatabases.js";
import { waitUntil, withTimeout } from "../helpers/waiting.js";

const BLOCKED_STATEMENT_SECONDS = 30;
/** Ten times the usual time to reject (the 500 ms deadline and a little). */
const STOPPED_WELL_BEFORE_MS = 5_000;

const createActivity = defineUseCase({
  name: "CreateActivity",
  async run(input: { userId: string }, { tx }: Context) {
    const row = await tx.activity.create({
      data: { userId: input.userId, type: "run", title: "t", activityDate: new Date() },
    });
    return { activityId: row.id };
  },
});
/** Blocks in one SQL statement far longer than the deadline. */
const sleepsInSql = defineUseCase({
  name: "SleepsInSql",
  async run(_input: object, { tx }: Context) {
    await tx.$executeRawUnsafe(`SELECT pg_sleep(${BLOCKED_STATEMENT_SECONDS})`);
    return { slept: true };
  },
});
/** Waits for the row lock on the user's stats, which the test holds elsewhere. */
const updatesLockedRow = defineUseCase({
  name: "UpdatesLockedRow",
  async run(input: { userId: string }, { tx }: Context) {
    await tx.userStats.update({
      where: { userId: input.userId },
      data: { totalActivities: { increment: 1 } },
    });
    return { updated: true };
  },
});

const sleepingWorkflow = defineWorkflow<{ userId: string }>()(
  "sleeping",
  [createActivity, sleepsInSql],
  { timeout: 500 },
);
const lockWaitWorkflow = defineWorkflow<{ userId: string }>()(
  "lockWait",
  [createActivity, updatesLockedRow],
  { timeout: 500 },
);
const quickWorkflow = defineWorkflow<{ userId: string }>()("quick", [createActivity], {
  timeout: 5_000,
});
const workflows = [sleepingWorkflow, lockWaitWorkflow, quickWorkflow] as const;

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe.each<DatabaseKind>(["postgres", "embedded"])(
  "stopping a run on the %s database",
  (kind) => {
    // On disk: stopping a statement restarts the embedded database's thread, which an
    // in-memory database would not survive (see the last describe).
    const database = useTestDatabase(() =>
      kind === "postgres"
        ? createPostgresTestDatabase({ poolSize: 2 })
        : createEmbeddedTestDatabaseOnDisk(),
    );
    const broker = () => createBroker({ client: database.transactions, workflows });

    /** The statements of this database still running pg_sleep (PostgreSQL only). */
    async function sleepingStatements(): Promise<number> {
      const [row] = await database.prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()`;
      return Number(row?.n ?? 0);
    }

    /**
     * Waits (ten times the usual time at most) until the blocked statement is no longer
     * running: on PostgreSQL the cancel request takes effect (ms); on the embedded database
     * the restarted thread answers (about 1 s; a statement still running would keep it
     * busy for 30 s).
     */
    async function statementGone(): Promise<void> {
      if (kind === "postgres")
        await waitUntil(async () => (await sleepingStatements()) === 0, 5_000);
      else await withTimeout(database.ping(), 10_000);
    }

    it("rejects at the deadline a run blocked in a SQL statement, cancels the statement and writes nothing", async () => {
      const userId = await insertUser(database.prisma);
      const { value: error, ms } = await timed(
        broker()
          .run(sleepingWorkflow, { userId })
          .catch((e: unknown) => e),
      );

      expect(error).toBeInstanceOf(WorkflowTimeoutError);
      expect(error).toMatchObject({ workflow: "sleeping", step: "SleepsInSql", timeoutMs: 500 });
      expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
      await statementGone();
      // The connection (or the embedded thread) serves the next run at once.
      const next = await broker().run(quickWorkflow, { userId });
      expect(next.attempts).toBe(1);
      expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 1 });
    });

    it("stops a run whose caller aborts while it is blocked in a SQL statement", async () => {
      const userId = await insertUser(database.prisma);
      const controller = new AbortController();
      const running = broker()
        .run(sleepingWorkflow, { userId }, { signal: controller.signal, timeout: 60_000 })
        .catch((e: unknown) => e);
      // Abort once the statement is running.
      await waitUntil(async () => (kind === "postgres" ? (await sleepingStatements()) > 0 : true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      const { value: error, ms } = await timed(running);

      expect(error).toBeInstanceOf(WorkflowAbortedError);
      expect(error).toMatchObject({ code: "WORKFLOW_ABORTED", workflow: "sleeping" });
      expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
      await statementGone();
      expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 0 });
    });

    it("starts nothing for a caller that has already aborted", async () => {
      const userId = await insertUser(database.prisma);
      const controller = new AbortController();
      controller.abort();
      await expect(
        broker().run(quickWorkflow, { userId }, { signal: controller.signal }),
      ).rejects.toBeInstanceOf(WorkflowAbortedError);
      expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 0 });
    });

    it.runIf(kind === "postgres")(
      "rejects at the deadline a run waiting for a row lock, and leaves no lock waiting",
      async () => {
        const userId = await insertUser(database.prisma);
        const holder = new pg.Client({ connectionString: database.location });
        await holder.connect();
        try {
          await holder.query("BEGIN");
          await holder.query(`SELECT * FROM user_stats WHERE user_id = $1 FOR UPDATE`, [userId]);

          const { value: error, ms } = await timed(
            broker()
              .run(lockWaitWorkflow, { userId })
              .catch((e: unknown) => e),
          );
          expect(error).toBeInstanceOf(WorkflowTimeoutError);
          expect(error).toMatchObject({ step: "UpdatesLockedRow" });
          expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
          // Nobody waits for the holder's lock any more (the cancel takes effect within ms).
          const lockWaits = async () =>
            (
              await holder.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid)
               WHERE NOT l.granted AND a.datname = current_database()`,
              )
            ).rows[0]?.n;
          await waitUntil(async () => (await lockWaits()) === 0, 5_000);
          await holder.query("COMMIT");
        } finally {
          await holder.end();
        }
        expect(await rowCounts(database.prisma, userId)).toEqual({
          activities: 0,
          notifications: 0,
          totalActivities: 0,
        });
        const next = await broker().run(lockWaitWorkflow, { userId });
        expect(next.output).toMatchObject({ updated: true });
      },
    );
  },
);

describe("stopping a run on an in-memory embedded database", () => {
  const database = useTestDatabase(() => createEmbeddedTestDatabase());

  it("rejects at the deadline, and lets the statement finish rather than lose the database", async () => {
    const userId = await insertUser(database.prisma);
    const shortSleep = defineUseCase({
      name: "SleepsInSql",
      async run(_input: object, { tx }: Context) {
        await tx.$executeRawUnsafe(`SELECT pg_sleep(2)`);
        return { slept: true };
      },
    });
    const workflow = defineWorkflow<{ userId: string }>()(
      "sleepingInMemory",
      [createActivity, shortSleep],
      { timeout: 300 },
    );
    const broker = createBroker({
      client: database.transactions,
      workflows: [workflow, quickWorkflow],
    });
    const error = await broker.run(workflow, { userId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowTimeoutError);
    // Once the statement is over, the same database (with its rows) serves the next run.
    await broker.drain();
    await broker.run(quickWorkflow, { userId });
    expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 1 });
  });
});

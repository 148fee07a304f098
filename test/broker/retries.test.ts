import { describe, expect, it } from "vitest";
import {
  createBroker,
  defineUseCase,
  defineWorkflow,
  WorkflowRetriesExhaustedError,
  WorkflowStepError,
} from "../../src/broker/index.js";
import {
  createPostgresTestDatabase,
  type DatabaseKind,
  type TestDatabase,
  useTestDatabase,
} from "../helpers/testDatabases.js";
import { insertUser, type Context } from "./fixtures.js";

/** Reads the counter, then writes counter + 1: a lost update unless the transactions serialize. */
const incrementByHand = defineUseCase({
  name: "IncrementByHand",
  async run(input: { userId: string }, { tx }: Context) {
    const stats = await tx.userStats.findUniqueOrThrow({ where: { userId: input.userId } });
    const updated = await tx.userStats.update({
      where: { userId: input.userId },
      data: { totalActivities: stats.totalActivities + 1 },
    });
    return { total: updated.totalActivities };
  },
});
const counterWorkflow = defineWorkflow<{ userId: string }>()("counter", [incrementByHand], {
  isolationLevel: "Serializable",
  timeout: 10_000,
  maxWait: 20_000,
  retry: { maxAttempts: 20, baseDelayMs: 10, maxDelayMs: 500 },
});

const total = async (database: TestDatabase, userId: string) =>
  (await database.prisma.userStats.findUniqueOrThrow({ where: { userId } })).totalActivities;

describe.each<DatabaseKind>(["postgres", "embedded"])(
  "concurrent runs on the %s database",
  (kind) => {
    const database = useTestDatabase(kind);

    it("lets 50 concurrent Serializable read-then-increment runs all succeed, the counter ending at exactly 50", async () => {
      const userId = await insertUser(database.prisma);
      const broker = createBroker({ client: database.prisma, workflows: [counterWorkflow] });
      const runs = await Promise.all(
        Array.from({ length: 50 }, () => broker.run(counterWorkflow, { userId })),
      );
      expect(await total(database, userId)).toBe(50);
      expect(runs.map((run) => run.output.total).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, index) => index + 1),
      );
      const retried = runs.filter((run) => run.attempts > 1);
      if (kind === "postgres") {
        // Real write conflicts happened, and were retried away.
        expect(retried.length).toBeGreaterThan(0);
      }
      for (const run of retried) {
        // Every attempt's step is in the timings, numbered.
        expect(run.steps.map((step) => step.attempt)).toEqual(
          Array.from({ length: run.attempts }, (_, index) => index + 1),
        );
      }
    });
  },
);

describe("write conflicts on PostgreSQL", () => {
  const database = useTestDatabase(() => createPostgresTestDatabase({ poolSize: 10 }));

  let stepRuns = 0;
  /**
   * Reads the counter, lets another connection update and commit it, then updates it
   * itself: at RepeatableRead that is a serialization failure, on every attempt.
   */
  const alwaysLosesTheRace = defineUseCase({
    name: "AlwaysLosesTheRace",
    async run(input: { userId: string }, { tx }: Context) {
      stepRuns += 1;
      await tx.userStats.findUniqueOrThrow({ where: { userId: input.userId } });
      await database.prisma.userStats.update({
        where: { userId: input.userId },
        data: { totalActivities: { increment: 100 } },
      });
      await tx.userStats.update({
        where: { userId: input.userId },
        data: { totalActivities: { increment: 1 } },
      });
      return {};
    },
  });
  const losing = defineWorkflow<{ userId: string }>()("losing", [alwaysLosesTheRace], {
    isolationLevel: "RepeatableRead",
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
  });

  /** Locks `first`'s stats row, waits for the other run to lock its own, then locks `second`'s. */
  const arrived: (() => void)[] = [];
  let bothLocked: Promise<void> = Promise.resolve();
  const lockFirst = defineUseCase({
    name: "LockFirst",
    async run(input: { first: string; second: string }, { tx, attempt }: Context) {
      await tx.userStats.update({
        where: { userId: input.first },
        data: { totalActivities: { increment: 1 } },
      });
      if (attempt === 1) {
        arrived.shift()?.();
        await bothLocked;
      }
      return {};
    },
  });
  const lockSecond = defineUseCase({
    name: "LockSecond",
    async run(input: { second: string }, { tx }: Context) {
      await tx.userStats.update({
        where: { userId: input.second },
        data: { totalActivities: { increment: 1 } },
      });
      return {};
    },
  });
  const crossing = defineWorkflow<{ first: string; second: string }>()(
    "crossing",
    [lockFirst, lockSecond],
    {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    },
  );

  let failFirstAttempt = true;
  const throwsAdapterConflict = defineUseCase({
    name: "ThrowsAdapterConflict",
    async run(input: { userId: string }, { tx, attempt }: Context) {
      stepRuns += 1;
      await tx.userStats.update({
        where: { userId: input.userId },
        data: { totalActivities: { increment: 1 } },
      });
      if (failFirstAttempt && attempt === 1) {
        // The shape of Prisma's DriverAdapterError for 40001.
        throw Object.assign(new Error("TransactionWriteConflict"), {
          name: "DriverAdapterError",
          cause: { kind: "TransactionWriteConflict", originalCode: "40001" },
        });
      }
      return { attempt };
    },
  });
  const adapterConflict = defineWorkflow<{ userId: string }>()("adapterConflict", [
    throwsAdapterConflict,
  ]);

  const insertDuplicate = defineUseCase({
    name: "InsertDuplicate",
    async run(input: { email: string }, { tx }: Context) {
      stepRuns += 1;
      await tx.user.create({ data: { email: input.email, passwordHash: "x" } });
      return {};
    },
  });
  const duplicate = defineWorkflow<{ email: string }>()("duplicate", [insertDuplicate]);

  const brokerFor = () =>
    createBroker({
      client: database.prisma,
      workflows: [losing, crossing, adapterConflict, duplicate],
    });

  it("retries a real serialization failure from the start, then gives up with the last conflict", async () => {
    const userId = await insertUser(database.prisma);
    stepRuns = 0;
    const error = await brokerFor()
      .run(losing, { userId })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowRetriesExhaustedError);
    expect(error).toMatchObject({
      code: "WORKFLOW_RETRIES_EXHAUSTED",
      workflow: "losing",
      attempts: 3,
    });
    expect((error as Error).cause).toMatchObject({ code: "P2034" });
    expect(stepRuns).toBe(3);
    // Only the other connection's three commits landed; none of the workflow's +1s.
    expect(await total(database, userId)).toBe(300);
  });

  it("retries a run that deadlocked with another, and both end up committed", async () => {
    const [a, b] = [await insertUser(database.prisma), await insertUser(database.prisma)];
    bothLocked = new Promise<void>((resolve) => {
      let count = 0;
      const arrive = () => {
        count += 1;
        if (count === 2) resolve();
      };
      arrived.push(arrive, arrive);
    });
    const broker = brokerFor();
    const runs = await Promise.all([
      broker.run(crossing, { first: a, second: b }),
      broker.run(crossing, { first: b, second: a }),
    ]);
    expect(runs.map((run) => run.attempts).sort()).toEqual([1, 2]);
    expect(await total(database, a)).toBe(2);
    expect(await total(database, b)).toBe(2);
  });

  it("retries a step failing with a driver adapter write conflict", async () => {
    const userId = await insertUser(database.prisma);
    stepRuns = 0;
    failFirstAttempt = true;
    const run = await brokerFor().run(adapterConflict, { userId });
    expect(run).toMatchObject({ attempts: 2, output: { attempt: 2 } });
    expect(stepRuns).toBe(2);
    // The first attempt's +1 was rolled back.
    expect(await total(database, userId)).toBe(1);
  });

  it("never retries an error that is not a conflict", async () => {
    const email = `taken-${Date.now()}@example.com`;
    await database.prisma.user.create({ data: { email, passwordHash: "x" } });
    stepRuns = 0;
    const error = await brokerFor()
      .run(duplicate, { email })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowStepError);
    expect(error).toMatchObject({ attempt: 1, step: "InsertDuplicate" });
    expect((error as Error).cause).toMatchObject({ code: "P2002" });
    expect(stepRuns).toBe(1);
  });
});

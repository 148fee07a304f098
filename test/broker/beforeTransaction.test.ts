import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  createBroker,
  defineUseCase,
  defineWorkflow,
  InvalidWorkflowError,
  WorkflowAbortedError,
  WorkflowStepError,
  WorkflowTimeoutError,
  type BeforeTransactionContext,
} from "../../src/broker/index.js";
import { type DatabaseKind, useTestDatabase } from "../helpers/testDatabases.js";
import { countingRunner, insertUser, rowCounts, type Context } from "./fixtures.js";

describe.each<DatabaseKind>(["postgres", "embedded"])(
  "steps before the transaction, on the %s database",
  (kind) => {
    const database = useTestDatabase(kind);

    /** What the runner had started when the step ran. */
    let transactionsWhenPrepared = -1;
    let prepareRuns = 0;
    const runner = () => countingRunner(database.prisma);
    let current: ReturnType<typeof runner>;

    const slugify = defineUseCase({
      name: "Slugify",
      beforeTransaction: true,
      async run(input: { title: string }, context: BeforeTransactionContext) {
        prepareRuns += 1;
        transactionsWhenPrepared = current.started;
        expect(context).not.toHaveProperty("tx");
        return { slug: input.title.toLowerCase().replaceAll(" ", "-") };
      },
    });
    const createActivity = defineUseCase({
      name: "CreateActivity",
      async run(input: { userId: string; slug: string }, { tx }: Context) {
        const row = await tx.activity.create({
          data: {
            userId: input.userId,
            type: "run",
            title: input.slug,
            activityDate: new Date(),
          },
        });
        return { activityId: row.id };
      },
    });
    let conflictsLeft = 0;
    const conflictOnce = defineUseCase({
      name: "ConflictOnce",
      async run(_input: object, { tx }: Context) {
        await tx.$queryRaw`SELECT 1`;
        if (conflictsLeft > 0) {
          conflictsLeft -= 1;
          throw Object.assign(new Error("write conflict"), { code: "P2034" });
        }
        return { conflicted: false };
      },
    });
    const workflow = defineWorkflow<{ userId: string; title: string }>()(
      "slugged",
      [slugify, createActivity, conflictOnce],
      { timeout: 2_000 },
    );

    it("runs them first, with no transaction open and no tx, and chains their output", async () => {
      current = runner();
      const broker = createBroker({ client: current, workflows: [workflow] });
      const userId = await insertUser(database.prisma);
      const run = await broker.run(workflow, { userId, title: "Morning Run" });

      expect(transactionsWhenPrepared).toBe(0);
      expect(run.output).toEqual({
        slug: "morning-run",
        activityId: expect.any(String) as string,
        conflicted: false,
      });
      expect(run.steps.map((step) => step.name)).toEqual([
        "Slugify",
        "CreateActivity",
        "ConflictOnce",
      ]);
      const stored = await database.prisma.activity.findUniqueOrThrow({
        where: { id: run.output.activityId },
      });
      expect(stored.title).toBe("morning-run");
    });

    it("runs them once when a write conflict retries the transaction", async () => {
      current = runner();
      const broker = createBroker({ client: current, workflows: [workflow] });
      const userId = await insertUser(database.prisma);
      prepareRuns = 0;
      conflictsLeft = 1;
      const run = await broker.run(workflow, { userId, title: "Twice" });
      expect(run.attempts).toBe(2);
      expect(prepareRuns).toBe(1);
      expect(current.started).toBe(2);
      expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 1 });
    });

    it("starts no transaction when one of them fails, and names it", async () => {
      const fails = defineUseCase({
        name: "CheckFirst",
        beforeTransaction: true,
        async run(): Promise<object> {
          throw new Error("not allowed");
        },
      });
      const checked = defineWorkflow<{ userId: string; slug: string }>()("checked", [
        fails,
        createActivity,
      ]);
      current = runner();
      const broker = createBroker({ client: current, workflows: [checked] });
      const userId = await insertUser(database.prisma);
      const error = await broker.run(checked, { userId, slug: "x" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowStepError);
      expect(error).toMatchObject({ workflow: "checked", step: "CheckFirst" });
      expect(current.started).toBe(0);
      expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 0 });
    });

    it("gives them the run's timeout and the caller's signal", async () => {
      const slow = defineUseCase({
        name: "Slow",
        beforeTransaction: true,
        async run(_input: object, { signal }: BeforeTransactionContext) {
          await sleep(60_000, undefined, { signal });
          return {};
        },
      });
      const slowFirst = defineWorkflow<{ userId: string; slug: string }>()(
        "slowFirst",
        [slow, createActivity],
        { timeout: 200 },
      );
      current = runner();
      const broker = createBroker({ client: current, workflows: [slowFirst] });
      const userId = await insertUser(database.prisma);

      const timedOut = await broker.run(slowFirst, { userId, slug: "x" }).catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(WorkflowTimeoutError);
      expect(timedOut).toMatchObject({ step: "Slow", timeoutMs: 200 });

      const controller = new AbortController();
      const aborted = broker
        .run(slowFirst, { userId, slug: "x" }, { signal: controller.signal, timeout: 60_000 })
        .catch((e: unknown) => e);
      controller.abort();
      expect(await aborted).toBeInstanceOf(WorkflowAbortedError);
      expect(current.started).toBe(0);
    });
  },
);

describe("defining steps before the transaction", () => {
  const before = defineUseCase({
    name: "Before",
    beforeTransaction: true,
    async run() {
      return { prepared: true };
    },
  });
  const inside = defineUseCase({
    name: "Inside",
    async run(_input: object, { tx }: Context) {
      await tx.$queryRaw`SELECT 1`;
      return {};
    },
  });

  it("refuses one placed after a step that runs in the transaction", () => {
    expect(() => defineWorkflow<object>()("late", [inside, before])).toThrow(
      new InvalidWorkflowError(
        'workflow "late": step "Before" runs before the transaction, so it must come before "Inside", the first step in it',
      ),
    );
  });

  it("refuses a workflow with no step in the transaction", () => {
    expect(() => defineWorkflow<object>()("empty", [before])).toThrow(
      /a workflow needs at least one step in it/,
    );
  });
});

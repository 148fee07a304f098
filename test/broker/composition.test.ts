/**
 * Dry runs, workflows used as steps of others (in the same transaction, or in a savepoint
 * that may fail on its own), and the ways out of a run's transaction that are refused.
 */
import { describe, expect, it } from "vitest";
import {
  createBroker,
  defineUseCase,
  defineWorkflow,
  InvalidWorkflowError,
  NestedRunError,
  WorkflowStepError,
  workflowStep,
  type RunReport,
} from "../../src/broker/index.js";
import { type DatabaseKind, useTestDatabase } from "../helpers/testDatabases.js";
import { insertUser, rowCounts, type Context } from "./fixtures.js";

const createActivity = defineUseCase({
  name: "CreateActivity",
  async run(input: { userId: string; title: string }, { tx }: Context) {
    const row = await tx.activity.create({
      data: { userId: input.userId, type: "run", title: input.title, activityDate: new Date() },
      select: { id: true },
    });
    return { activityId: row.id };
  },
});
const notify = defineUseCase({
  name: "Notify",
  async run(input: { userId: string; title: string }, { tx }: Context) {
    if (input.title === "fail to notify") {
      // Written first, so that the savepoint has something of its own to roll back.
      await tx.notification.create({ data: { userId: input.userId, message: "half done" } });
      throw new Error("the notification service refused");
    }
    const row = await tx.notification.create({
      data: { userId: input.userId, message: `logged ${input.title}` },
      select: { id: true },
    });
    return { notificationId: row.id as string | null, notified: true };
  },
});
const count = defineUseCase({
  name: "Count",
  async run(input: { userId: string }, { tx }: Context) {
    const stats = await tx.userStats.update({
      where: { userId: input.userId },
      data: { totalActivities: { increment: 1 } },
    });
    return { totalActivities: stats.totalActivities };
  },
});

/** The notification on its own: a workflow of its own, used as a step below. */
const notifyWorkflow = defineWorkflow<{ userId: string; title: string }>()("notify", [notify]);
/** Fails the whole run when the notification fails. */
const logStrict = defineWorkflow<{ userId: string; title: string }>()("logStrict", [
  createActivity,
  workflowStep(notifyWorkflow),
  count,
]);
/** Goes on without the notification when it fails: only its writes are rolled back. */
const logLenient = defineWorkflow<{ userId: string; title: string }>()("logLenient", [
  createActivity,
  workflowStep(notifyWorkflow, {
    onFailure: () => ({ notificationId: null, notified: false }),
  }),
  count,
]);

describe.each<DatabaseKind>(["postgres", "embedded"])("composition on the %s database", (kind) => {
  const database = useTestDatabase(kind);
  /** What the escaping workflow's step does with its transaction client. */
  let escape: (tx: Context["tx"]) => Promise<unknown> = () => Promise.resolve();
  const escapeStep = defineUseCase({
    name: "Escape",
    async run(_input: { userId: string }, { tx }: Context) {
      await escape(tx);
      return { escaped: true };
    },
  });
  const escaping = defineWorkflow<{ userId: string; title: string }>()("escaping", [
    createActivity,
    escapeStep,
  ]);
  const broker = (options: { refuseNestedRuns?: boolean } = {}) =>
    createBroker({
      client: database.transactions,
      workflows: [logStrict, logLenient, notifyWorkflow, escaping],
      ...options,
    });

  describe("dry runs", () => {
    it("runs every step, returns what it would have committed, and writes nothing", async () => {
      const userId = await insertUser(database.prisma);
      const run = await broker().run(logStrict, { userId, title: "try" }, { dryRun: true });
      expect(run).toMatchObject({ dryRun: true, replayed: false, attempts: 1 });
      expect(run.output).toEqual({
        activityId: expect.any(String),
        notificationId: expect.any(String),
        notified: true,
        totalActivities: 1,
      });
      expect(run.steps.map((step) => step.name)).toEqual([
        "CreateActivity",
        "notify > Notify",
        "Count",
      ]);
      expect(await rowCounts(database.prisma, userId)).toEqual({
        activities: 0,
        notifications: 0,
        totalActivities: 0,
      });
    });

    it("fails as the real run would, and a real run afterwards commits", async () => {
      const userId = await insertUser(database.prisma);
      const failed = await broker()
        .run(logStrict, { userId, title: "fail to notify" }, { dryRun: true })
        .catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(WorkflowStepError);
      const run = await broker().run(logStrict, { userId, title: "real" });
      expect(run.dryRun).toBe(false);
      expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 1 });
    });

    it("reports a dry run as such to the run listener, not as committed", async () => {
      const userId = await insertUser(database.prisma);
      const reports: RunReport[] = [];
      const listening = createBroker({
        client: database.transactions,
        workflows: [logStrict],
        onRunSettled: (report) => reports.push(report),
      });
      await listening.run(logStrict, { userId, title: "try" }, { dryRun: true });
      await listening.run(logStrict, { userId, title: "real" });
      expect(reports.map((report) => report.outcome)).toEqual(["dry-run", "committed"]);
    });

    it("refuses a dry run with an idempotency key, and a dryRun that is not a boolean", async () => {
      const userId = await insertUser(database.prisma);
      const idempotency = { key: "k", caller: userId, fingerprint: "f" };
      await expect(
        broker().run(logStrict, { userId, title: "x" }, { dryRun: true, idempotency }),
      ).rejects.toThrow(/a dry run stores nothing, so it takes no idempotency key/);
      await expect(
        broker().run(logStrict, { userId, title: "x" }, {
          dryRun: "yes",
        } as unknown as { dryRun: boolean }),
      ).rejects.toThrow(/dryRun must be true or false, got "yes"/);
    });
  });

  describe("workflows as steps", () => {
    it("runs a nested workflow's steps in the same transaction; its result merges into the run's", async () => {
      const userId = await insertUser(database.prisma);
      const run = await broker().run(logStrict, { userId, title: "nested" });
      expect(run.output).toEqual({
        activityId: expect.any(String),
        notificationId: expect.any(String),
        notified: true,
        totalActivities: 1,
      });
      expect(run.recovered).toEqual([]);
      expect(await rowCounts(database.prisma, userId)).toEqual({
        activities: 1,
        notifications: 1,
        totalActivities: 1,
      });
    });

    it("without onFailure, a nested failure rolls back the whole run, naming the nested step", async () => {
      const userId = await insertUser(database.prisma);
      const error = await broker()
        .run(logStrict, { userId, title: "fail to notify" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowStepError);
      expect(error).toMatchObject({ workflow: "logStrict", step: "notify > Notify" });
      expect(await rowCounts(database.prisma, userId)).toEqual({
        activities: 0,
        notifications: 0,
        totalActivities: 0,
      });
    });

    it("with onFailure, rolls back only the nested workflow's writes (a savepoint) and goes on", async () => {
      const userId = await insertUser(database.prisma);
      const run = await broker().run(logLenient, { userId, title: "fail to notify" });
      expect(run.output).toEqual({
        activityId: expect.any(String),
        notificationId: null,
        notified: false,
        totalActivities: 1,
      });
      expect(run.recovered).toEqual([
        {
          step: "notify > Notify",
          attempt: 1,
          error: expect.objectContaining({ message: "the notification service refused" }),
        },
      ]);
      // The activity and the count committed; the notification written before the failure did not.
      expect(await rowCounts(database.prisma, userId)).toEqual({
        activities: 1,
        notifications: 0,
        totalActivities: 1,
      });
    });

    it("with onFailure, a nested workflow that succeeds commits with the run", async () => {
      const userId = await insertUser(database.prisma);
      const run = await broker().run(logLenient, { userId, title: "fine" });
      expect(run.output).toMatchObject({ notified: true, totalActivities: 1 });
      expect(await rowCounts(database.prisma, userId)).toEqual({
        activities: 1,
        notifications: 1,
        totalActivities: 1,
      });
    });

    it("shows the nesting in the catalogue", () => {
      const logged = broker()
        .listWorkflows()
        .find((workflow) => workflow.name === "logLenient");
      expect(logged?.steps).toEqual(["CreateActivity", "notify > Notify", "Count"]);
    });
  });

  describe("a step cannot escape its transaction", () => {
    it("refuses broker.run inside a step, and the outer run writes nothing", async () => {
      const userId = await insertUser(database.prisma);
      const inner = broker();
      escape = () => inner.run(notifyWorkflow, { userId, title: "behind its back" });
      const error = await broker()
        .run(escaping, { userId, title: "outer" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowStepError);
      const cause = (error as WorkflowStepError).cause;
      expect(cause).toBeInstanceOf(NestedRunError);
      expect(cause.message).toContain(
        'broker.run("notify") was called inside step "Escape" of workflow "escaping"',
      );
      expect(await rowCounts(database.prisma, userId)).toEqual({
        activities: 0,
        notifications: 0,
        totalActivities: 0,
      });
    });

    // On PostgreSQL: the embedded database's one session would make the nested run wait
    // for the outer one's transaction.
    it.runIf(kind === "postgres")("lets it through with refuseNestedRuns: false", async () => {
      // What production does on Node 20 and 22, where telling a nested run costs 45% more CPU.
      const userId = await insertUser(database.prisma);
      const inner = broker();
      escape = () => inner.run(notifyWorkflow, { userId, title: "behind its back" });
      const run = await broker({ refuseNestedRuns: false }).run(escaping, {
        userId,
        title: "outer",
      });
      expect(run.output).toMatchObject({ escaped: true });
      expect((await rowCounts(database.prisma, userId)).notifications).toBe(1);
    });

    it.each([
      ["COMMIT", "COMMIT"],
      ["commit; -- with a comment", "COMMIT"],
      ["SELECT 1; END", "END"],
      ["BEGIN", "BEGIN"],
      ["SAVEPOINT mine", "SAVEPOINT"],
      ["RELEASE SAVEPOINT mine", "RELEASE SAVEPOINT"],
      ["PREPARE TRANSACTION 'x'", "PREPARE TRANSACTION"],
      // With arguments only the first statement can run, and only it is read.
      ["/* a /* nested */ comment */ commit -- $1", "COMMIT", [1]],
      ["-- a comment\n  Rollback TO SAVEPOINT mine -- $1", "ROLLBACK", ["x"]],
    ])(
      "refuses %j sent through tx, and the run writes nothing",
      async (sql, statement, args = []) => {
        const userId = await insertUser(database.prisma);
        let seen: unknown;
        escape = async (tx) => {
          try {
            await tx.$executeRawUnsafe(sql, ...args);
          } catch (error) {
            seen = error;
            throw error;
          }
        };
        const error = await broker()
          .run(escaping, { userId, title: "outer" })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WorkflowStepError);
        expect(String(seen)).toContain(
          `${statement} sent through a workflow's transaction client was refused`,
        );
        expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 0 });
      },
    );

    it("ends the transaction for good on a raw ROLLBACK: nothing after it is written", async () => {
      const userId = await insertUser(database.prisma);
      escape = async (tx) => {
        await tx.$executeRawUnsafe("ROLLBACK");
        // On PostgreSQL this insert would otherwise commit on its own, outside any transaction.
        await tx.notification.create({ data: { userId, message: "escaped" } });
      };
      const error = await broker()
        .run(escaping, { userId, title: "outer" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowStepError);
      expect((error as WorkflowStepError).cause.message).toContain("after a raw ROLLBACK");
      expect(await rowCounts(database.prisma, userId)).toMatchObject({
        activities: 0,
        notifications: 0,
      });
    });

    it.each([
      ["SELECT 'COMMIT' AS word /* END */ -- ROLLBACK", []],
      ["/* COMMIT */ SELECT $1::text AS word -- ; END", ["ROLLBACK"]],
    ])("lets quoted text and comments that mention COMMIT through: %j", async (sql, args) => {
      const userId = await insertUser(database.prisma);
      escape = (tx) => tx.$queryRawUnsafe(sql, ...args);
      const run = await broker().run(escaping, { userId, title: "outer" });
      expect(run.output).toMatchObject({ escaped: true });
      expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 1 });
    });
  });
});

describe("workflowStep", () => {
  it("refuses a workflow with steps that run before the transaction", () => {
    const early = defineUseCase({
      name: "Early",
      beforeTransaction: true,
      async run(_input: object) {
        return {};
      },
    });
    const withEarly = defineWorkflow<{ userId: string; title: string }>()("withEarly", [
      early,
      createActivity,
    ]);
    expect(() => workflowStep(withEarly)).toThrow(InvalidWorkflowError);
    expect(() => workflowStep(withEarly)).toThrow(/step "Early" that runs before the transaction/);
  });

  it("cannot be run on its own", async () => {
    const step = workflowStep(notifyWorkflow);
    await expect(step.run({ userId: "u", title: "t" }, {} as Context)).rejects.toThrow(
      /is a nested workflow: the broker runs it/,
    );
  });
});

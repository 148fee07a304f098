import { describe, expect, it } from "vitest";
import {
  BrokerError,
  createBroker,
  defineUseCase,
  defineWorkflow,
  WorkflowStepError,
} from "../../src/broker/index.js";
import { type DatabaseKind, useTestDatabase } from "../helpers/testDatabases.js";
import { insertUser, rowCounts, watchUnhandledRejections, type Context } from "./fixtures.js";

interface Input {
  userId: string;
  /** Which step throws, and what. */
  failAt: "CreateActivity" | "SendNotification" | "UpdateStats" | "none";
  throwing: () => unknown;
}

/** Throws `throwing()` when it is the step named by `failAt`, after doing its write. */
async function maybeFail(input: Input, step: string): Promise<void> {
  if (input.failAt === step) throw input.throwing();
}

const stepRuns: string[] = [];
const createActivity = defineUseCase({
  name: "CreateActivity",
  async run(input: Input, { tx, step }: Context) {
    stepRuns.push(step);
    const row = await tx.activity.create({
      data: { userId: input.userId, type: "run", title: "t", activityDate: new Date() },
    });
    await maybeFail(input, step);
    return { activityId: row.id };
  },
});
const sendNotification = defineUseCase({
  name: "SendNotification",
  async run(input: Input & { activityId: string }, { tx, step }: Context) {
    stepRuns.push(step);
    await tx.notification.create({ data: { userId: input.userId, message: input.activityId } });
    await maybeFail(input, step);
    return { notified: true };
  },
});
const updateStats = defineUseCase({
  name: "UpdateStats",
  async run(input: Input, { tx, step }: Context) {
    stepRuns.push(step);
    await tx.userStats.update({
      where: { userId: input.userId },
      data: { totalActivities: { increment: 1 } },
    });
    await maybeFail(input, step);
    return { counted: true };
  },
});
const workflow = defineWorkflow<Input>()("createActivity", [
  createActivity,
  sendNotification,
  updateStats,
]);

/** Steps that misbehave in ways only JavaScript allows. */
const returnsNothing = defineUseCase({
  name: "ReturnsNothing",
  run: (async () => undefined) as unknown as (input: object) => Promise<object>,
});
const throwsSynchronously = defineUseCase({
  name: "ThrowsSynchronously",
  run: ((): Promise<object> => {
    throw new RangeError("thrown before any promise");
  }) as (input: object) => Promise<object>,
});
/** Not async: returns a promise that rejects (with a number). */
const rejects = defineUseCase({
  name: "Rejects",
  run: (_input: object): Promise<object> => Promise.reject(42),
});
const rejectsWorkflow = defineWorkflow<Input>()("rejects", [createActivity, updateStats, rejects]);
const returnsNothingWorkflow = defineWorkflow<object>()("returnsNothing", [returnsNothing]);
const throwsSynchronouslyWorkflow = defineWorkflow<object>()("throwsSynchronously", [
  throwsSynchronously,
]);

describe.each<DatabaseKind>(["postgres", "embedded"])("failures on the %s database", (kind) => {
  const database = useTestDatabase(kind);
  const brokerFor = () =>
    createBroker({
      client: database.prisma,
      workflows: [workflow, rejectsWorkflow, returnsNothingWorkflow, throwsSynchronouslyWorkflow],
    });

  it("writes all three rows when no step fails", async () => {
    const userId = await insertUser(database.prisma);
    await brokerFor().run(workflow, { userId, failAt: "none", throwing: () => undefined });
    expect(await rowCounts(database.prisma, userId)).toEqual({
      activities: 1,
      notifications: 1,
      totalActivities: 1,
    });
  });

  it.each(["CreateActivity", "SendNotification", "UpdateStats"] as const)(
    "rolls back every write when step %s fails",
    async (failAt) => {
      const userId = await insertUser(database.prisma);
      stepRuns.length = 0;
      const failure = new Error(`${failAt} refused`);
      const outcome = brokerFor().run(workflow, { userId, failAt, throwing: () => failure });
      await expect(outcome).rejects.toThrow(WorkflowStepError);
      const error = (await outcome.catch((e: unknown) => e)) as WorkflowStepError;
      expect(error).toMatchObject({
        name: "WorkflowStepError",
        code: "WORKFLOW_STEP_FAILED",
        workflow: "createActivity",
        step: failAt,
        attempt: 1,
      });
      expect(error.cause).toBe(failure);
      expect(error).toBeInstanceOf(BrokerError);
      // No later step ran, and no earlier step's write survived.
      expect(stepRuns.at(-1)).toBe(failAt);
      expect(await rowCounts(database.prisma, userId)).toEqual({
        activities: 0,
        notifications: 0,
        totalActivities: 0,
      });
    },
  );

  it.each([
    ["a string", () => "plain string", 'A non-Error value was thrown: "plain string"'],
    ["undefined", () => undefined, "A non-Error value was thrown: undefined"],
    [
      "a plain object",
      () => ({ secret: "s3cr3t" }),
      "A non-Error value was thrown: an object (Object)",
    ],
  ])("wraps %s thrown by a step in an Error and rolls back", async (_label, throwing, message) => {
    const userId = await insertUser(database.prisma);
    const unhandled = watchUnhandledRejections();
    const error = await brokerFor()
      .run(workflow, { userId, failAt: "SendNotification", throwing })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowStepError);
    const cause = (error as WorkflowStepError).cause;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.message).toBe(message);
    expect(cause.cause).toEqual(throwing());
    expect(cause.message).not.toContain("s3cr3t");
    expect(await rowCounts(database.prisma, userId)).toEqual({
      activities: 0,
      notifications: 0,
      totalActivities: 0,
    });
    expect(unhandled.stop()).toEqual([]);
  });

  it("fails the run with the reason of a use case's rejected promise and rolls back", async () => {
    const userId = await insertUser(database.prisma);
    const unhandled = watchUnhandledRejections();
    const error = await brokerFor()
      .run(rejectsWorkflow, { userId, failAt: "none", throwing: () => undefined })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowStepError);
    expect(error).toMatchObject({ step: "Rejects" });
    expect((error as WorkflowStepError).cause.message).toBe("A non-Error value was thrown: 42");
    expect((error as WorkflowStepError).cause.cause).toBe(42);
    expect(await rowCounts(database.prisma, userId)).toEqual({
      activities: 0,
      notifications: 0,
      totalActivities: 0,
    });
    expect(unhandled.stop()).toEqual([]);
  });

  it("fails the run when a use case throws before returning a promise", async () => {
    const error = await brokerFor()
      .run(throwsSynchronouslyWorkflow, {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowStepError);
    expect((error as WorkflowStepError).cause).toBeInstanceOf(RangeError);
  });

  it("fails the run when a use case returns something that is not an object", async () => {
    const error = await brokerFor()
      .run(returnsNothingWorkflow, {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowStepError);
    expect((error as WorkflowStepError).cause.message).toBe(
      "The use case returned nothing instead of an object",
    );
  });
});

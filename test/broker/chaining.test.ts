import { describe, expect, it } from "vitest";
import { createBroker, defineUseCase, defineWorkflow } from "../../src/broker/index.js";
import { type DatabaseKind, useTestDatabase } from "../helpers/testDatabases.js";
import { insertUser, rowCounts, type Context } from "./fixtures.js";

/** Records the exact input each step was given. */
const seenInputs: Record<string, unknown>[] = [];

const createActivity = defineUseCase({
  name: "CreateActivity",
  async run(input: { userId: string; title: string }, { tx }: Context) {
    seenInputs.push({ ...input });
    const row = await tx.activity.create({
      data: {
        userId: input.userId,
        type: "run",
        title: input.title,
        activityDate: new Date(),
      },
    });
    return { activityId: row.id };
  },
});
const sendNotification = defineUseCase({
  name: "SendNotification",
  async run(input: { userId: string; activityId: string; title: string }, { tx }: Context) {
    seenInputs.push({ ...input });
    const row = await tx.notification.create({
      data: { userId: input.userId, message: `Logged ${input.title} (${input.activityId})` },
    });
    return { notificationId: row.id, message: row.message };
  },
});
const updateStats = defineUseCase({
  name: "UpdateStats",
  async run(input: { userId: string }, { tx }: Context) {
    seenInputs.push({ ...input });
    const stats = await tx.userStats.update({
      where: { userId: input.userId },
      data: { totalActivities: { increment: 1 } },
    });
    return { totalActivities: stats.totalActivities };
  },
});
/** Returns `title`, a key that is also in the input. */
const shout = defineUseCase({
  name: "Shout",
  async run(input: { title: string }) {
    seenInputs.push({ ...input });
    return { title: input.title.toUpperCase() };
  },
});
/** Returns `activityId` again, replacing CreateActivity's. */
const relabel = defineUseCase({
  name: "Relabel",
  async run(input: { activityId: string }) {
    seenInputs.push({ ...input });
    return { activityId: `activity:${input.activityId}` };
  },
});

const createActivityWorkflow = defineWorkflow<{ userId: string; title: string }>()(
  "createActivity",
  [createActivity, sendNotification, updateStats],
);
const shoutWorkflow = defineWorkflow<{ userId: string; title: string }>()("shout", [
  shout,
  createActivity,
]);
const relabelWorkflow = defineWorkflow<{ userId: string; title: string }>()("relabel", [
  createActivity,
  relabel,
  sendNotification,
]);

describe.each<DatabaseKind>(["postgres", "embedded"])("chaining on the %s database", (kind) => {
  const database = useTestDatabase(kind);

  const brokerFor = () =>
    createBroker({
      client: database.prisma,
      workflows: [createActivityWorkflow, shoutWorkflow, relabelWorkflow],
    });

  it("gives each step the input merged with the outputs of the steps before it", async () => {
    const userId = await insertUser(database.prisma);
    seenInputs.length = 0;
    const run = await brokerFor().run(createActivityWorkflow, { userId, title: "Run" });
    const { activityId } = run.output;
    expect(seenInputs).toEqual([
      { userId, title: "Run" },
      { userId, title: "Run", activityId },
      {
        userId,
        title: "Run",
        activityId,
        notificationId: run.output.notificationId,
        message: `Logged Run (${activityId})`,
      },
    ]);
    expect(await rowCounts(database.prisma, userId)).toEqual({
      activities: 1,
      notifications: 1,
      totalActivities: 1,
    });
  });

  it("returns exactly what the steps returned, and nothing of the input", async () => {
    const userId = await insertUser(database.prisma);
    const run = await brokerFor().run(createActivityWorkflow, { userId, title: "Swim" });
    expect(Object.keys(run.output).sort()).toEqual(
      ["activityId", "message", "notificationId", "totalActivities"].sort(),
    );
    expect(run.output).toEqual({
      activityId: expect.any(String),
      notificationId: expect.any(String),
      message: `Logged Swim (${run.output.activityId})`,
      totalActivities: 1,
    });
    expect(run.output).not.toHaveProperty("userId");
  });

  it("keeps an input key in the result when a step returns it, with the step's value", async () => {
    const userId = await insertUser(database.prisma);
    seenInputs.length = 0;
    const run = await brokerFor().run(shoutWorkflow, { userId, title: "Ride" });
    expect(run.output).toEqual({ title: "RIDE", activityId: expect.any(String) });
    // The later step saw the returned value, not the input's.
    expect(seenInputs[1]).toEqual({ userId, title: "RIDE" });
    const activity = await database.prisma.activity.findUniqueOrThrow({
      where: { id: run.output.activityId },
    });
    expect(activity.title).toBe("RIDE");
  });

  it("lets a later step's key replace an earlier step's, for later steps and the result", async () => {
    const userId = await insertUser(database.prisma);
    seenInputs.length = 0;
    const run = await brokerFor().run(relabelWorkflow, { userId, title: "Row" });
    const created = seenInputs[1]?.activityId;
    expect(typeof created).toBe("string");
    expect(run.output.activityId).toBe(`activity:${String(created)}`);
    expect(seenInputs[2]).toMatchObject({ activityId: `activity:${String(created)}` });
  });

  it("reports one attempt and a timing for every step of a run without conflicts", async () => {
    const userId = await insertUser(database.prisma);
    const run = await brokerFor().run(createActivityWorkflow, { userId, title: "Walk" });
    expect(run.attempts).toBe(1);
    expect(run.steps.map((step) => [step.name, step.attempt])).toEqual([
      ["CreateActivity", 1],
      ["SendNotification", 1],
      ["UpdateStats", 1],
    ]);
    for (const step of run.steps) expect(step.durationMs).toBeGreaterThanOrEqual(0);
    expect(run.durationMs).toBeGreaterThanOrEqual(
      run.steps.reduce((total, step) => total + step.durationMs, 0) - 1,
    );
  });
});

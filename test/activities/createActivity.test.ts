import { beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken } from "../../src/accounts/sessions.js";
import {
  CREATE_ACTIVITY,
  errorCode,
  graphql,
  registerUser,
  type RegisteredUser,
} from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";

const validInput = {
  type: "run",
  title: "Evening tempo",
  description: "8 x 400 m",
  durationMinutes: 45,
  distanceKm: 9.5,
  activityDate: "2026-11-20T18:30:00.000Z",
};

describe("createActivity", () => {
  const api = useTestServer();
  let user: RegisteredUser;

  beforeAll(async () => {
    user = await registerUser(api.graphqlUrl);
  });

  async function countRows(userId = user.userId) {
    const { prisma } = api.database;
    return {
      activities: await prisma.activity.count({ where: { userId } }),
      notifications: await prisma.notification.count({ where: { userId } }),
      totalActivities:
        (await prisma.userStats.findUnique({ where: { userId } }))?.totalActivities ?? null,
    };
  }

  it("writes the activity, a notification and the +1 on stats, and returns the typed payload", async () => {
    const before = await countRows();
    const response = await graphql<{
      createActivity: Record<string, unknown> & { activity: Record<string, unknown> };
    }>(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input: { ...validInput, title: "  Evening tempo  " } },
      { token: user.sessionToken },
    );
    expect(response.errors).toBeUndefined();
    const payload = response.data!.createActivity;
    expect(payload).toMatchObject({
      title: "Evening tempo",
      notificationSent: true,
      statsUpdated: true,
    });
    expect(payload.activity).toEqual({
      id: payload.activityId,
      type: "run",
      title: "Evening tempo",
      description: "8 x 400 m",
      durationMinutes: 45,
      distanceKm: 9.5,
      activityDate: "2026-11-20T18:30:00.000Z",
      createdAt: expect.any(String),
    });
    expect(await countRows()).toEqual({
      activities: before.activities + 1,
      notifications: before.notifications + 1,
      totalActivities: before.totalActivities! + 1,
    });
    const notification = await api.database.prisma.notification.findUniqueOrThrow({
      where: { id: payload.notificationId as string },
    });
    expect(notification).toMatchObject({
      userId: user.userId,
      message: "Activity logged: Evening tempo",
      readAt: null,
    });
  });

  it("stores what it answers: the row read back equals the payload, to the column's precision", async () => {
    const response = await graphql<{ createActivity: { activity: Record<string, unknown> } }>(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      {
        input: {
          ...validInput,
          distanceKm: 12.3456, // numeric(9, 3): kept as 12.346
          activityDate: "2026-01-02T03:04:05.678Z",
        },
      },
      { token: user.sessionToken },
    );
    expect(response.errors).toBeUndefined();
    const activity = response.data!.createActivity.activity;
    expect(activity).toMatchObject({
      distanceKm: 12.346,
      activityDate: "2026-01-02T03:04:05.678Z",
    });
    const row = await api.database.prisma.activity.findUniqueOrThrow({
      where: { id: activity.id as string },
    });
    expect({
      id: row.id,
      type: row.type,
      title: row.title,
      description: row.description,
      durationMinutes: row.durationMinutes,
      distanceKm: row.distanceKm?.toNumber(),
      activityDate: row.activityDate.toISOString(),
      createdAt: row.createdAt.toISOString(),
    }).toEqual(activity);
    expect(row.userId).toBe(user.userId);
  });

  it("defaults the activity date to now and leaves optional fields empty", async () => {
    const startedAt = Date.now();
    const response = await graphql<{ createActivity: { activity: Record<string, unknown> } }>(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input: { type: "swim", title: "Lunch laps" } },
      { token: user.sessionToken },
    );
    expect(response.errors).toBeUndefined();
    const activity = response.data!.createActivity.activity;
    expect(activity).toMatchObject({ description: null, durationMinutes: null, distanceKm: null });
    expect(new Date(activity.activityDate as string).getTime()).toBeGreaterThanOrEqual(
      startedAt - 1000,
    );
  });

  describe("rejects bad input with BAD_USER_INPUT naming the field, before any transaction, writing nothing", () => {
    it.each([
      ["an empty title", { title: "" }, "title", "Title can't be empty."],
      ["a blank title", { title: "   " }, "title", "Title can't be empty."],
      [
        "a title over 200 characters",
        { title: "x".repeat(201) },
        "title",
        "Title can't be longer than 200 characters.",
      ],
      ["an empty type", { type: "" }, "type", "Type can't be empty."],
      [
        "a type over 200 characters",
        { type: "y".repeat(201) },
        "type",
        "Type can't be longer than 200 characters.",
      ],
      [
        "a negative duration",
        { durationMinutes: -1 },
        "durationMinutes",
        "Duration can't be negative.",
      ],
      ["a negative distance", { distanceKm: -0.5 }, "distanceKm", "Distance can't be negative."],
    ])("%s", async (_, override, field, message) => {
      const before = await countRows();
      const response = await graphql(
        api.graphqlUrl,
        CREATE_ACTIVITY,
        { input: { ...validInput, ...override } },
        { token: user.sessionToken },
      );
      expect(errorCode(response)).toBe("BAD_USER_INPUT");
      expect(response.errors![0]!.extensions!.field).toBe(field);
      expect(response.errors![0]!.message).toBe(message);
      expect(response.errors![0]!.extensions!.fields).toEqual([{ field, messages: [message] }]);
      expect(await countRows()).toEqual(before);
    });

    it.each([["yesterday"], ["2026-13-45T25:00:00Z"], [""]])(
      "an activity date that is not a date (%j)",
      async (activityDate) => {
        const before = await countRows();
        const response = await graphql(
          api.graphqlUrl,
          CREATE_ACTIVITY,
          { input: { ...validInput, activityDate } },
          { token: user.sessionToken },
        );
        expect(errorCode(response)).toBe("BAD_USER_INPUT");
        expect(response.errors![0]!.message).toBe(
          "Date must be a date and time, like 2026-11-30T07:30:00Z.",
        );
        expect(response.errors![0]!.extensions!.field).toBe("activityDate");
        expect(await countRows()).toEqual(before);
      },
    );

    it("a duration that is not a whole number is refused by GraphQL validation", async () => {
      const response = await graphql(
        api.graphqlUrl,
        CREATE_ACTIVITY,
        { input: { ...validInput, durationMinutes: 12.5 } },
        { token: user.sessionToken },
      );
      expect(errorCode(response)).toBe("BAD_USER_INPUT");
      expect(response.errors![0]!.message).toBe("Duration must be a whole number.");
      expect(response.errors![0]!.extensions!.field).toBe("durationMinutes");
    });
  });

  it("names a required field that is missing", async () => {
    const response = await graphql(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input: { type: "run" } },
      { token: user.sessionToken },
    );
    expect(errorCode(response)).toBe("BAD_USER_INPUT");
    expect(response.errors![0]!.extensions!.field).toBe("title");
  });

  describe("without a valid session it fails with UNAUTHENTICATED and writes nothing", () => {
    async function expectUnauthenticated(headers: Record<string, string>) {
      const activitiesBefore = await api.database.prisma.activity.count();
      const response = await graphql(
        api.graphqlUrl,
        CREATE_ACTIVITY,
        { input: validInput },
        { headers },
      );
      expect(errorCode(response)).toBe("UNAUTHENTICATED");
      expect(response.data).toBeNull();
      expect(await api.database.prisma.activity.count()).toBe(activitiesBefore);
    }

    it("no Authorization header", () => expectUnauthenticated({}));
    it("a malformed header", () => expectUnauthenticated({ authorization: "Token abc" }));
    it("an unknown token", () =>
      expectUnauthenticated({ authorization: `Bearer ${"A".repeat(43)}` }));

    it("an expired token", async () => {
      const other = await registerUser(api.graphqlUrl);
      await api.database.prisma.session.update({
        where: { tokenHash: hashSessionToken(other.sessionToken) },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });
      await expectUnauthenticated({ authorization: `Bearer ${other.sessionToken}` });
    });

    it("a revoked token", async () => {
      const other = await registerUser(api.graphqlUrl);
      await api.database.prisma.session.update({
        where: { tokenHash: hashSessionToken(other.sessionToken) },
        data: { revokedAt: new Date() },
      });
      await expectUnauthenticated({ authorization: `Bearer ${other.sessionToken}` });
    });
  });

  it("rolls back every write of the workflow when a step fails, and says which step", async () => {
    const victim = await registerUser(api.graphqlUrl);
    // UpdateStats (the last step) fails when the stats row is missing.
    await api.database.prisma.userStats.delete({ where: { userId: victim.userId } });
    const response = await graphql(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input: validInput },
      { token: victim.sessionToken },
    );
    expect(errorCode(response)).toBe("WORKFLOW_STEP_FAILED");
    expect(response.errors![0]!.extensions).toMatchObject({
      workflow: "createActivity",
      step: "UpdateStats",
    });
    expect(await countRows(victim.userId)).toEqual({
      activities: 0,
      notifications: 0,
      totalActivities: null,
    });
  });

  it("keeps total_activities equal to the number of activities under concurrent calls for one user", async () => {
    const runner = await registerUser(api.graphqlUrl);
    const calls = 25;
    const responses = await Promise.all(
      Array.from({ length: calls }, (_, i) =>
        graphql(
          api.graphqlUrl,
          CREATE_ACTIVITY,
          { input: { ...validInput, title: `Lap ${i}` } },
          { token: runner.sessionToken },
        ),
      ),
    );
    expect(responses.map((response) => response.errors)).toEqual(Array(calls).fill(undefined));
    expect(await countRows(runner.userId)).toEqual({
      activities: calls,
      notifications: calls,
      totalActivities: calls,
    });
  });
});

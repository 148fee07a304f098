import { describe, expect, it } from "vitest";
import {
  CREATE_ACTIVITY,
  errorCode,
  graphql,
  ME,
  registerUser,
  UPDATE_SETTINGS,
  type RegisteredUser,
} from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";
import type { DatabaseKind } from "../helpers/testDatabases.js";

interface CreateActivityAnswer {
  createActivity: {
    notificationId: string | null;
    notificationSent: boolean;
    statsUpdated: boolean;
    activity: { id: string };
  };
}

describe.each<DatabaseKind>(["postgres", "embedded"])("settings on the %s database", (kind) => {
  const api = useTestServer({ kind });

  const storedSetting = async (userId: string) =>
    (
      await api.database.prisma.user.findUniqueOrThrow({
        where: { id: userId },
        select: { activityNotifications: true },
      })
    ).activityNotifications;

  async function setActivityNotifications(user: RegisteredUser, activityNotifications: boolean) {
    const response = await graphql<{ updateSettings: unknown }>(
      api.graphqlUrl,
      UPDATE_SETTINGS,
      { input: { activityNotifications } },
      { token: user.sessionToken },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.updateSettings).toEqual({ settings: { activityNotifications } });
  }

  async function logActivity(user: RegisteredUser, title: string) {
    const response = await graphql<CreateActivityAnswer>(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input: { type: "run", title } },
      { token: user.sessionToken },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.createActivity;
  }

  async function rowsOf(userId: string) {
    const { prisma } = api.database;
    return {
      activities: await prisma.activity.count({ where: { userId } }),
      notifications: await prisma.notification.count({ where: { userId } }),
      totalActivities: (await prisma.userStats.findUniqueOrThrow({ where: { userId } }))
        .totalActivities,
    };
  }

  it("has activity notifications on for a new user, and me.settings says so", async () => {
    const user = await registerUser(api.graphqlUrl);
    const me = await graphql<{ me: { settings: unknown } }>(
      api.graphqlUrl,
      ME,
      {},
      { token: user.sessionToken },
    );
    expect(me.data!.me.settings).toEqual({ activityNotifications: true });
    expect(await storedSetting(user.userId)).toBe(true);
  });

  it("updateSettings stores the value for the caller only, and me.settings reads it back", async () => {
    const user = await registerUser(api.graphqlUrl);
    const bystander = await registerUser(api.graphqlUrl);

    await setActivityNotifications(user, false);

    expect(await storedSetting(user.userId)).toBe(false);
    expect(await storedSetting(bystander.userId)).toBe(true);
    const me = await graphql<{ me: { settings: unknown } }>(
      api.graphqlUrl,
      ME,
      {},
      { token: user.sessionToken },
    );
    expect(me.data!.me.settings).toEqual({ activityNotifications: false });

    await setActivityNotifications(user, true);
    expect(await storedSetting(user.userId)).toBe(true);
  });

  it("with activity notifications off, createActivity writes no notification, says so, and still counts the activity", async () => {
    const user = await registerUser(api.graphqlUrl);
    await setActivityNotifications(user, false);

    const payload = await logActivity(user, "Quiet run");

    expect(payload).toMatchObject({
      notificationSent: false,
      notificationId: null,
      statsUpdated: true,
    });
    expect(await rowsOf(user.userId)).toEqual({
      activities: 1,
      notifications: 0,
      totalActivities: 1,
    });
  });

  it("with activity notifications back on, createActivity writes exactly one notification and returns its id", async () => {
    const user = await registerUser(api.graphqlUrl);
    await setActivityNotifications(user, false);
    await logActivity(user, "Quiet run");
    await setActivityNotifications(user, true);

    const payload = await logActivity(user, "Loud run");

    expect(payload).toMatchObject({ notificationSent: true, statsUpdated: true });
    const notifications = await api.database.prisma.notification.findMany({
      where: { userId: user.userId },
    });
    expect(notifications).toEqual([
      expect.objectContaining({ id: payload.notificationId, message: "Activity logged: Loud run" }),
    ]);
    expect(await rowsOf(user.userId)).toEqual({
      activities: 2,
      notifications: 1,
      totalActivities: 2,
    });
  });

  describe("updateSettings refuses, writing nothing,", () => {
    it.each([
      ["no Authorization header", {}],
      ["an unknown token", { authorization: `Bearer ${"A".repeat(43)}` }],
    ])("a caller with %s (UNAUTHENTICATED)", async (_, headers) => {
      const user = await registerUser(api.graphqlUrl);
      const response = await graphql(
        api.graphqlUrl,
        UPDATE_SETTINGS,
        { input: { activityNotifications: false } },
        { headers },
      );
      expect(errorCode(response)).toBe("UNAUTHENTICATED");
      expect(response.data).toBeNull();
      expect(await storedSetting(user.userId)).toBe(true);
    });

    it("a session that was logged out (UNAUTHENTICATED)", async () => {
      const user = await registerUser(api.graphqlUrl);
      const logout = await graphql(
        api.graphqlUrl,
        "mutation { logout { sessionRevoked } }",
        {},
        { token: user.sessionToken },
      );
      expect(logout.errors).toBeUndefined();
      const response = await graphql(
        api.graphqlUrl,
        UPDATE_SETTINGS,
        { input: { activityNotifications: false } },
        { token: user.sessionToken },
      );
      expect(errorCode(response)).toBe("UNAUTHENTICATED");
      expect(await storedSetting(user.userId)).toBe(true);
    });

    it.each([
      ["null", { activityNotifications: null }, "Activity notifications is required."],
      ["missing", {}, "Activity notifications is required."],
      [
        "a string",
        { activityNotifications: "false" },
        "Activity notifications must be true or false.",
      ],
      ["a number", { activityNotifications: 0 }, "Activity notifications must be true or false."],
    ])("activityNotifications %s (BAD_USER_INPUT naming the field)", async (_, input, message) => {
      const user = await registerUser(api.graphqlUrl);
      const response = await graphql(
        api.graphqlUrl,
        UPDATE_SETTINGS,
        { input },
        { token: user.sessionToken },
      );
      expect(errorCode(response)).toBe("BAD_USER_INPUT");
      expect(response.errors![0]!.message).toBe(message);
      expect(response.errors![0]!.extensions!.field).toBe("activityNotifications");
      expect(await storedSetting(user.userId)).toBe(true);
    });

    it("a setting that does not exist (BAD_USER_INPUT naming it)", async () => {
      const user = await registerUser(api.graphqlUrl);
      const response = await graphql(
        api.graphqlUrl,
        UPDATE_SETTINGS,
        { input: { activityNotifications: false, emailNotifications: false } },
        { token: user.sessionToken },
      );
      expect(errorCode(response)).toBe("BAD_USER_INPUT");
      expect(response.errors![0]!.message).toBe('There is no field "emailNotifications" here.');
      expect(await storedSetting(user.userId)).toBe(true);
    });
  });
});

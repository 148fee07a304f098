import { describe, expect, it } from "vitest";
import { CREATE_ACTIVITY, graphql, ME, registerUser } from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";

describe("the API on the embedded database", () => {
  const api = useTestServer({ kind: "embedded" });

  it("registers, logs an activity and shows it in me", async () => {
    const user = await registerUser(api.graphqlUrl);
    const created = await graphql<{ createActivity: { activity: Record<string, unknown> } }>(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      {
        input: {
          type: "row",
          title: "Erg intervals",
          distanceKm: 5.0125, // numeric(9, 3): 5.013
          durationMinutes: 30,
          activityDate: "2026-01-02T03:04:05.678Z",
        },
      },
      { token: user.sessionToken },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createActivity.activity).toMatchObject({
      distanceKm: 5.013,
      durationMinutes: 30,
      activityDate: "2026-01-02T03:04:05.678Z",
      description: null,
    });
    const me = await graphql<{
      me: { stats: { totalActivities: number }; notifications: { message: string }[] };
    }>(api.graphqlUrl, ME, {}, { token: user.sessionToken });
    expect(me.data!.me.stats.totalActivities).toBe(1);
    expect(me.data!.me.notifications.map((n) => n.message)).toEqual([
      "Activity logged: Erg intervals",
    ]);
  });

  it("queues concurrent workflows on its single connection and keeps the stats exact", async () => {
    const user = await registerUser(api.graphqlUrl);
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        graphql(
          api.graphqlUrl,
          CREATE_ACTIVITY,
          { input: { type: "run", title: `Run ${i}` } },
          { token: user.sessionToken },
        ),
      ),
    );
    expect(responses.map((response) => response.errors)).toEqual(Array(8).fill(undefined));
    const stats = await api.database.prisma.userStats.findUniqueOrThrow({
      where: { userId: user.userId },
    });
    expect(stats.totalActivities).toBe(8);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import {
  ACTIVITIES,
  CREATE_ACTIVITY,
  errorCode,
  graphql,
  ME,
  registerUser,
  type RegisteredUser,
} from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";

interface ActivitiesData {
  activities: {
    edges: { cursor: string; node: { id: string; title: string; activityDate: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe("queries", () => {
  const api = useTestServer();
  let user: RegisteredUser;

  beforeAll(async () => {
    user = await registerUser(api.graphqlUrl);
    // Logged out of order: the list must come back newest activity date first.
    for (const [title, day] of [
      ["B", 12],
      ["D", 14],
      ["A", 11],
      ["C", 13],
      ["E", 15],
    ] as const) {
      const response = await graphql(
        api.graphqlUrl,
        CREATE_ACTIVITY,
        { input: { type: "ride", title, activityDate: `2026-11-${day}T08:00:00.000Z` } },
        { token: user.sessionToken },
      );
      expect(response.errors).toBeUndefined();
    }
  });

  it("me is null for an anonymous caller", async () => {
    const response = await graphql(api.graphqlUrl, ME);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ me: null });
  });

  it("me returns the viewer with stats and recent notifications", async () => {
    const response = await graphql<{
      me: Record<string, unknown> & { notifications: { message: string }[] };
    }>(api.graphqlUrl, ME, {}, { token: user.sessionToken });
    expect(response.errors).toBeUndefined();
    expect(response.data!.me).toMatchObject({
      id: user.userId,
      email: user.email,
      stats: { totalActivities: 5 },
    });
    // Notifications come newest first, in the order the activities were logged.
    expect(response.data!.me.notifications.map((n) => n.message)).toEqual(
      ["E", "C", "A", "D", "B"].map((title) => `Activity logged: ${title}`),
    );
  });

  it("activities pages through the viewer's log newest first", async () => {
    const titles: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const response: Awaited<ReturnType<typeof graphql<ActivitiesData>>> =
        await graphql<ActivitiesData>(
          api.graphqlUrl,
          ACTIVITIES,
          { first: 2, after },
          { token: user.sessionToken },
        );
      expect(response.errors).toBeUndefined();
      const page = response.data!.activities;
      titles.push(...page.edges.map((edge) => edge.node.title));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(titles).toEqual(["E", "D", "C", "B", "A"]);
    expect(pages).toBe(3);
  });

  it("activities shows only the viewer's own log", async () => {
    const stranger = await registerUser(api.graphqlUrl);
    const response = await graphql<ActivitiesData>(
      api.graphqlUrl,
      ACTIVITIES,
      {},
      { token: stranger.sessionToken },
    );
    expect(response.data!.activities).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  it.each([[0], [51], [-1]])("activities rejects first = %i with BAD_USER_INPUT", async (first) => {
    const response = await graphql(
      api.graphqlUrl,
      ACTIVITIES,
      { first },
      { token: user.sessionToken },
    );
    expect(errorCode(response)).toBe("BAD_USER_INPUT");
    expect(response.errors![0]!.extensions!.field).toBe("first");
  });

  it("activities rejects a cursor it did not issue with BAD_USER_INPUT", async () => {
    const response = await graphql(
      api.graphqlUrl,
      ACTIVITIES,
      { after: "bm90LWEtY3Vyc29y" },
      { token: user.sessionToken },
    );
    expect(errorCode(response)).toBe("BAD_USER_INPUT");
    expect(response.errors![0]!.extensions!.field).toBe("after");
  });

  it("activities requires a session", async () => {
    const response = await graphql(api.graphqlUrl, ACTIVITIES);
    expect(errorCode(response)).toBe("UNAUTHENTICATED");
  });

  it("workflows lists every named workflow with its steps and transaction options", async () => {
    const response = await graphql<{ workflows: unknown[] }>(
      api.graphqlUrl,
      `
        {
          workflows {
            name
            steps
            options {
              isolationLevel
              timeoutMs
              maxWaitMs
              maxAttempts
            }
          }
        }
      `,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.workflows).toEqual([
      {
        name: "registerUser",
        steps: [
          "LimitRegistrations",
          "HashPassword",
          "CreateUser",
          "InitUserStats",
          "QueueWelcomeEmail",
          "createSession > CreateSession",
        ],
        options: expect.objectContaining({ isolationLevel: "ReadCommitted", timeoutMs: 10_000 }),
      },
      {
        name: "login",
        steps: ["CheckCredentials", "UpgradePasswordHash", "createSession > CreateSession"],
        options: expect.objectContaining({ isolationLevel: "ReadCommitted", timeoutMs: 10_000 }),
      },
      {
        name: "logout",
        steps: ["RevokeSession"],
        options: expect.objectContaining({ isolationLevel: "ReadCommitted", timeoutMs: 5_000 }),
      },
      {
        name: "updateSettings",
        steps: ["UpdateSettings"],
        options: expect.objectContaining({ isolationLevel: "ReadCommitted", timeoutMs: 5_000 }),
      },
      {
        name: "createActivity",
        steps: ["CreateActivity", "SendNotification", "UpdateStats"],
        options: expect.objectContaining({ isolationLevel: "ReadCommitted", timeoutMs: 5_000 }),
      },
    ]);
  });
});

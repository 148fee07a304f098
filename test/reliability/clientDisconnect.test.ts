/**
 * A client that goes away before its answer stops its work: the workflow in flight is
 * stopped (its statement cancelled, its transaction rolled back) and the request's later
 * mutations never start. Over real HTTP, against PostgreSQL.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openGraphQLRequest, registerUser } from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";
import { waitUntil } from "../helpers/waiting.js";
describe("a client that disconnects", () => {
  const api = useTestServer({ kind: "postgres" });

  it("stops the workflow in flight and starts none of the request's later mutations", async () => {
    const user = await registerUser(api.graphqlUrl);
    const aliases = Array.from(
      { length: 5 },
      (_, i) =>
        `a${i}: createActivity(input: { type: "run", title: "left behind ${i}" }) { activityId }`,
    );
    const body = JSON.stringify({ query: `mutation { ${aliases.join("\n")} }` });

    // Another connection holds the user's stats row, so the first workflow waits in
    // UpdateStats, inside its transaction, until the test lets go.
    const holder = new pg.Client({ connectionString: api.database.location });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT * FROM user_stats WHERE user_id = $1 FOR UPDATE", [user.userId]);
      const lockWaits = async () =>
        (
          await holder.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid)
             WHERE NOT l.granted AND a.datname = current_database()`,
          )
        ).rows[0]?.n ?? 0;

      const sent = openGraphQLRequest(api.graphqlUrl, user.sessionToken);
      const outcome = new Promise<string>((resolve) => {
        sent.once("response", () => resolve("answered"));
        sent.once("error", (error) => resolve(error.message));
      });
      sent.end(body);

      await waitUntil(async () => (await lockWaits()) > 0);
      sent.destroy(); // the client goes away
      expect(await outcome).toMatch(/socket hang up|aborted/);

      // The server stops its work at once: nothing waits for the lock any more (without
      // the abort, the workflow would wait for it until its 5 s deadline).
      await waitUntil(async () => (await lockWaits()) === 0, 3_000);
      // Letting go of the lock now lets nothing through.
      await holder.query("COMMIT");
    } finally {
      await holder.end();
    }
    await waitUntil(async () => api.server.broker.inFlight === 0);
    expect(await api.database.prisma.activity.count({ where: { userId: user.userId } })).toBe(0);
    expect(
      await api.database.prisma.userStats.findUniqueOrThrow({ where: { userId: user.userId } }),
    ).toMatchObject({ totalActivities: 0 });
  });
});

/**
 * A client whose request was caught by a server's end cannot know whether it committed;
 * retrying it with the same Idempotency-Key against the next server process logs each
 * activity exactly once, whatever happened to each request: after SIGTERM (the graceful
 * shutdown answers what it received; the rest are refused) and after SIGKILL (requests
 * that committed lose their answers, the others roll back with their connections).
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CREATE_ACTIVITY, graphql, registerUser } from "../helpers/graphqlClient.js";
import { startServerProcess, type ServerProcess } from "../helpers/serverProcess.js";
import { createPostgresTestDatabase, useTestDatabase } from "../helpers/testDatabases.js";
import { waitUntil } from "../helpers/waiting.js";

const REQUESTS = 20;

interface Created {
  createActivity: { activity: { title: string } };
}

describe("idempotency keys across a SIGTERM and a restart", () => {
  const database = useTestDatabase(() => createPostgresTestDatabase());

  it.each(["SIGTERM", "SIGKILL"] as const)(
    "gives exactly one activity per key after %s, retried on the next process",
    async (signal) => {
      const servers: ServerProcess[] = [];
      const start = async () => {
        const server = startServerProcess({ DATABASE_URL: database.location });
        servers.push(server);
        return `http://127.0.0.1:${await server.ready()}/graphql`;
      };
      try {
        const first = await start();
        const user = await registerUser(first);
        const requests = Array.from({ length: REQUESTS }, (_, i) => ({
          key: randomUUID(),
          title: `caught by the shutdown ${i}`,
        }));
        const send = (url: string, { key, title }: (typeof requests)[number]) =>
          graphql<Created>(
            url,
            CREATE_ACTIVITY,
            { input: { type: "run", title } },
            { token: user.sessionToken, headers: { "idempotency-key": key } },
          ).catch((error: unknown) => ({ lost: String(error) }));

        // All sent at once; the signal comes once the first has committed, the rest in flight.
        const activities = () => database.prisma.activity.count({ where: { userId: user.userId } });
        const inFlight = requests.map((request) => send(first, request));
        await waitUntil(async () => (await activities()) > 0, 10_000, 1);
        servers[0]!.child.kill(signal);
        await Promise.all(inFlight);
        expect(await servers[0]!.exited).toEqual(
          signal === "SIGTERM" ? { code: 0, signal: null } : { code: null, signal: "SIGKILL" },
        );
        const committedBefore = await activities();

        // The client cannot tell which committed: it retries every one on the next process.
        const second = await start();
        let replays = 0;
        for (const request of requests) {
          const retried = await send(second, request);
          expect("data" in retried && retried.data?.createActivity.activity.title).toBe(
            request.title,
          );
          if ("headers" in retried && retried.headers.get("idempotent-replayed") === "true") {
            replays += 1;
          }
        }
        const titles = (
          await database.prisma.activity.findMany({
            where: { userId: user.userId },
            select: { title: true },
          })
        ).map((activity) => activity.title);
        expect(titles.sort()).toEqual(requests.map((request) => request.title).sort());
        const stats = await database.prisma.userStats.findUniqueOrThrow({
          where: { userId: user.userId },
        });
        expect(stats.totalActivities).toBe(REQUESTS);
        // Each request that committed on the first process was replayed, not run again.
        expect(replays).toBe(committedBefore);
        expect(replays).toBeGreaterThan(0);
      } finally {
        for (const server of servers) server.child.kill("SIGKILL");
      }
    },
  );
});

/**
 * SIGTERM under load loses no answer: 20 clients with keep-alive connections send
 * createActivity while the server process is told to stop. Every activity that committed
 * was answered to its client, no request the server had received was reset, and the
 * process exits 0.
 *
 * A connection that the kernel had completed but the server not yet accepted when the
 * listener closed is reset by the kernel: its request never reached the server (TCP
 * allows nothing else). The test tells those apart by the server's request log, which
 * names each request (x-test-request header).
 */
import { Agent, request } from "node:http";
import { describe, expect, it } from "vitest";
import { graphql, REGISTER_USER } from "../helpers/graphqlClient.js";
import { startServerProcess, waitForOutput } from "../helpers/serverProcess.js";
import { createPostgresTestDatabase, useTestDatabase } from "../helpers/testDatabases.js";

const CLIENTS = 20;

type Outcome =
  | { kind: "answered"; title: string; status: number; committed: boolean }
  | { kind: "refused"; title: string } // could not connect: the listener had closed
  | { kind: "reset"; title: string; message: string };

function createActivity(
  agent: Agent,
  port: number,
  token: string,
  title: string,
): Promise<Outcome> {
  const body = JSON.stringify({
    query: `mutation($input: CreateActivityInput!) { createActivity(input: $input) { activityId } }`,
    variables: { input: { type: "run", title } },
  });
  return new Promise((resolve) => {
    const sent = request(
      {
        agent,
        host: "127.0.0.1",
        port,
        path: "/graphql",
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          "x-test-request": title,
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => {
          const parsed = JSON.parse(text) as { data?: { createActivity?: unknown } };
          resolve({
            kind: "answered",
            title,
            status: response.statusCode ?? 0,
            committed: Boolean(parsed.data?.createActivity),
          });
        });
        response.on("error", (error) => resolve({ kind: "reset", title, message: error.message }));
      },
    );
    sent.on("error", (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === "ECONNREFUSED"
          ? { kind: "refused", title }
          : { kind: "reset", title, message: `${error.code ?? ""} ${error.message}` },
      ),
    );
    sent.end(body);
  });
}

describe("SIGTERM under load", () => {
  const database = useTestDatabase(() => createPostgresTestDatabase());

  it("answers every request that committed, resets none that it received, and exits 0", async () => {
    const server = startServerProcess({
      DATABASE_URL: database.location,
      SHUTDOWN_DELAY_MS: "300",
    });
    try {
      const port = await server.ready();
      const url = `http://127.0.0.1:${port}/graphql`;
      const tokens: string[] = [];
      for (let i = 0; i < CLIENTS; i++) {
        const response = await graphql<{ registerUser: { sessionToken: string } }>(
          url,
          REGISTER_USER,
          { input: { email: `load${i}@example.com`, password: "long enough password" } },
        );
        tokens.push(response.data!.registerUser.sessionToken);
      }

      const outcomes: Outcome[] = [];
      const clients = tokens.map(async (token, client) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        for (let n = 0; ; n++) {
          const outcome = await createActivity(agent, port, token, `c${client}-${n}`);
          outcomes.push(outcome);
          if (outcome.kind !== "answered" || outcome.status === 503) break;
        }
        agent.destroy();
      });
      // Under way for a moment, then the signal.
      while (outcomes.length < 100) await new Promise((resolve) => setTimeout(resolve, 10));
      server.child.kill("SIGTERM");
      await Promise.all(clients);
      const exit = await server.exited;

      expect(exit).toEqual({ code: 0, signal: null });
      await waitForOutput(server, /shutdown complete/);
      const committed = new Set(
        (await database.prisma.activity.findMany({ select: { title: true } })).map((a) => a.title),
      );
      const answeredCommitted = new Set(
        outcomes.filter((o) => o.kind === "answered" && o.committed).map((o) => o.title),
      );
      const resets = outcomes.filter((o) => o.kind === "reset");
      // Every committed activity was answered, and every answer that said so committed.
      expect([...committed].filter((title) => !answeredCommitted.has(title))).toEqual([]);
      expect([...answeredCommitted].filter((title) => !committed.has(title))).toEqual([]);
      // A reset request never reached the server: it is nowhere in its request log.
      const received = new Set(
        [...server.output().matchAll(/"x-test-request":"([^"]+)"/g)].map((match) => match[1]),
      );
      expect(received.size).toBeGreaterThanOrEqual(answeredCommitted.size);
      expect(resets.filter((reset) => received.has(reset.title))).toEqual([]);
      // The load really ran across the signal: answered before it, refused after.
      expect(answeredCommitted.size).toBeGreaterThanOrEqual(100);
      expect(
        outcomes.some((o) => o.kind === "refused" || (o.kind === "answered" && o.status === 503)),
      ).toBe(true);
    } finally {
      server.child.kill("SIGKILL");
    }
  });
});

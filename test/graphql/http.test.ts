import { describe, expect, it } from "vitest";
import { errorCode, graphql, REGISTER_USER } from "../helpers/graphqlClient.js";
import { startTestServer, useTestServer } from "../helpers/httpServer.js";
import { withAdminClient } from "../helpers/testDatabases.js";
import { waitUntil } from "../helpers/waiting.js";

describe("the HTTP server", () => {
  const api = useTestServer();

  it("answers /healthz while the process is alive", async () => {
    const response = await fetch(`${api.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz when the database is reachable", async () => {
    const response = await fetch(`${api.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready" });
  });

  it("answers a body that is not JSON with HTTP 400 and a BAD_REQUEST error", async () => {
    const response = await fetch(api.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"query": "{ me { id } }"',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        { message: "The request body is not valid JSON.", extensions: { code: "BAD_REQUEST" } },
      ],
    });
  });

  it("answers a body over the size limit with HTTP 413", async () => {
    const response = await fetch(api.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ me { id } }`, variables: { pad: "x".repeat(200_000) } }),
    });
    expect(response.status).toBe(413);
  });

  it("answers a request with no query with HTTP 400", async () => {
    const response = await fetch(api.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ variables: {} }),
    });
    expect(response.status).toBe(400);
  });

  it("answers a query that does not parse with GRAPHQL_PARSE_FAILED", async () => {
    const response = await graphql(api.graphqlUrl, `{ me { id `);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("answers a wrongly typed argument with GraphQL validation, before any resolver runs", async () => {
    const response = await graphql(
      api.graphqlUrl,
      `
        mutation {
          registerUser(input: { email: 42, password: "long enough pw" }) {
            userId
          }
        }
      `,
    );
    expect(errorCode(response)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(await api.database.prisma.user.count()).toBe(0);
  });
});

describe("/readyz", () => {
  it("fails with 503 when the database is down", async () => {
    const api = await startTestServer();
    try {
      const databaseName = new URL(api.database.location).pathname.slice(1);
      await withAdminClient((client) =>
        client.query(`DROP DATABASE "${databaseName}" WITH (FORCE)`),
      );
      const response = await fetch(`${api.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        status: "unavailable",
        reason: "database unreachable",
      });
      const health = await fetch(`${api.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await api.close();
    }
  });
});

describe("graceful shutdown", () => {
  it("lets an in-flight request finish, then refuses new connections", async () => {
    const api = await startTestServer();
    const inFlight = graphql<{ registerUser: { userId: string } }>(api.graphqlUrl, REGISTER_USER, {
      input: { email: "last-one@example.com", password: "one more thing" },
    });
    // Wait until the workflow is running inside the server, then ask it to stop.
    await waitUntil(() => api.server.broker.inFlight > 0, 5_000, 2);
    const shutdown = api.server.shutdown();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    await shutdown;
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
    await api.database.destroy();
  });
});

import { describe, expect, it } from "vitest";
import { CREATE_ACTIVITY, errorCode, graphql, registerUser } from "../helpers/graphqlClient.js";
import { startTestServer, useTestServer } from "../helpers/httpServer.js";
import { withAdminClient } from "../helpers/testDatabases.js";

describe("in production (NODE_ENV=production)", () => {
  const api = useTestServer({
    env: { NODE_ENV: "production", LOG_LEVEL: "silent", PASSWORD_HASH_COST: "17" },
  });

  it("refuses introspection", async () => {
    const response = await graphql(
      api.graphqlUrl,
      `
        {
          __schema {
            types {
              name
            }
          }
        }
      `,
    );
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(response.data).toBeUndefined();
  });

  it("sends no stack traces and no internal messages when a step fails unexpectedly", async () => {
    const user = await registerUser(api.graphqlUrl);
    await api.database.prisma.userStats.delete({ where: { userId: user.userId } });
    const response = await graphql(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input: { type: "run", title: "Hidden" } },
      { token: user.sessionToken },
    );
    expect(errorCode(response)).toBe("WORKFLOW_STEP_FAILED");
    const [error] = response.errors!;
    expect(error!.extensions!.stacktrace).toBeUndefined();
    expect(JSON.stringify(response)).not.toMatch(/user_stats|UserStatsMissing|at \w+ \(/);
  });

  it("sends no stack trace with a validation error either", async () => {
    const response = await graphql(
      api.graphqlUrl,
      `
        {
          nope
        }
      `,
    );
    expect(errorCode(response)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(response.errors![0]!.extensions!.stacktrace).toBeUndefined();
  });

  it("masks an unexpected failure as INTERNAL_SERVER_ERROR with no internal message", async () => {
    const broken = await startTestServer({
      env: { NODE_ENV: "production", LOG_LEVEL: "silent", PASSWORD_HASH_COST: "17" },
    });
    try {
      const databaseName = new URL(broken.database.location).pathname.slice(1);
      await withAdminClient((client) =>
        client.query(`DROP DATABASE "${databaseName}" WITH (FORCE)`),
      );
      const response = await graphql(
        broken.graphqlUrl,
        `
          {
            me {
              id
            }
          }
        `,
        {},
        { token: "A".repeat(43) },
      );
      expect(response.errors).toEqual([
        {
          message: "Internal server error",
          path: ["me"],
          locations: expect.any(Array),
          extensions: { code: "INTERNAL_SERVER_ERROR" },
        },
      ]);
    } finally {
      await broken.close();
    }
  });

  it("does not serve the Sandbox landing page", async () => {
    const response = await fetch(api.graphqlUrl, { headers: { accept: "text/html" } });
    expect(await response.text()).not.toMatch(/sandbox/i);
  });
});

describe("in development", () => {
  const api = useTestServer({ env: { NODE_ENV: "development", LOG_LEVEL: "silent" } });

  it("allows introspection", async () => {
    const response = await graphql<{ __schema: { queryType: { name: string } } }>(
      api.graphqlUrl,
      `
        {
          __schema {
            queryType {
              name
            }
          }
        }
      `,
    );
    expect(response.data!.__schema.queryType.name).toBe("Query");
  });
});

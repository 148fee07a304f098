/**
 * PostgreSQL going down and coming back, through a TCP proxy the test cuts: clients get a
 * retryable SERVICE_UNAVAILABLE (HTTP 503), the log gets one line when the outage begins
 * and one when it ends (with the count of failed requests), and the API recovers by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/index.js";
import {
  CREATE_ACTIVITY,
  errorCode,
  graphql,
  ME,
  registerUser,
  type RegisteredUser,
} from "../helpers/graphqlClient.js";
import { startTestServer, type TestServer } from "../helpers/httpServer.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcpProxy.js";
import { createPostgresTestDatabase, type TestDatabase } from "../helpers/testDatabases.js";
import { waitUntil } from "../helpers/waiting.js";
describe("a PostgreSQL outage", () => {
  let direct: TestDatabase;
  let proxy: TcpProxy;
  let api: TestServer;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    direct = await createPostgresTestDatabase();
    proxy = await startTcpProxy({
      host: "127.0.0.1",
      port: Number(new URL(direct.location).port || 5432),
    });
    const proxied = await openDatabase({
      kind: "postgres",
      url: proxy.urlFor(direct.location),
      poolSize: 4,
    });
    api = await startTestServer({
      database: {
        ...proxied,
        location: proxy.urlFor(direct.location),
        destroy: () => proxied.close(),
      },
      env: { LOG_LEVEL: "info", OUTBOX_POLL_INTERVAL_MS: "100" },
      logDestination: {
        write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await proxy?.close();
    await direct?.destroy();
  });

  it("answers SERVICE_UNAVAILABLE with 503, logs the outage once, and recovers", async () => {
    const user: RegisteredUser = await registerUser(api.graphqlUrl);
    proxy.cut();

    const failures = [];
    for (let i = 0; i < 20; i++) {
      failures.push(
        await graphql(
          api.graphqlUrl,
          i % 2 ? ME : CREATE_ACTIVITY,
          i % 2 ? {} : { input: { type: "run", title: `during ${i}` } },
          { token: user.sessionToken },
        ),
      );
    }
    for (const response of failures) {
      expect(errorCode(response)).toBe("SERVICE_UNAVAILABLE");
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
    }
    expect((await fetch(`${api.url}/readyz`)).status).toBe(503);
    // Let the outbox poll a few times while the database is down, too.
    await new Promise((resolve) => setTimeout(resolve, 500));

    proxy.restore();
    await waitUntil(() => !api.server.outage.down, 20_000, 50);
    const after = await graphql(api.graphqlUrl, ME, {}, { token: user.sessionToken });
    expect(after.errors).toBeUndefined();
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);

    const errorsAndWarnings = lines.filter((line) => (line.level as number) >= 40);
    expect(errorsAndWarnings.map((line) => line.msg)).toEqual([
      "database unreachable: answering SERVICE_UNAVAILABLE until it is back",
    ]);
    const recovered = lines.filter((line) => line.msg === "database reachable again");
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.failures).toBeGreaterThanOrEqual(20);
    expect(api.server.outage.outages).toBe(1);
    // Nothing was written during the outage.
    expect(await direct.prisma.activity.count({ where: { title: { startsWith: "during" } } })).toBe(
      0,
    );
  });
});

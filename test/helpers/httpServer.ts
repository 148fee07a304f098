/**
 * Starts the real Express app on a free port against a fresh test database, for tests
 * that talk to it over real HTTP.
 */
import type { DestinationStream } from "pino";
import { loadConfig, type AppConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import type { Tracing } from "../../src/observability/index.js";
import type { Mailer } from "../../src/outbox/index.js";
import { createApiServer, type ApiServer } from "../../src/server.js";
import { forTests } from "./forTests.js";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "./testDatabases.js";

export interface TestServer {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  graphqlUrl: string;
  database: TestDatabase;
  server: ApiServer;
  /** Shuts the server down (gracefully) and destroys the database. */
  close(): Promise<void>;
}

export interface TestServerOptions {
  database?: TestDatabase;
  kind?: DatabaseKind;
  env?: NodeJS.ProcessEnv;
  config?: Partial<AppConfig>;
  /** Where log lines go (e.g. a capture in tests of the logs); default stdout. */
  logDestination?: DestinationStream;
  /** The outbox's mailer; default the server's own (it logs e-mails). */
  mailer?: Mailer;
  /** Traces requests and runs with this SDK (e.g. startTestTracing's), trace ids in the logs. */
  tracing?: Tracing;
}

/**
 * What test servers run with unless a test says otherwise: no outbox polling (tests run
 * batches themselves), a cheap password hash (OWASP's cost is 0.3 s a hash; tests sign up
 * hundreds of users), and rate limits no test file reaches from 127.0.0.1 (the tests of
 * the limits set their own).
 */
export const TEST_SERVER_ENV: NodeJS.ProcessEnv = {
  NODE_ENV: "test",
  OUTBOX_POLL_INTERVAL_MS: "0",
  PASSWORD_HASH_COST: "10",
  LOGIN_ATTEMPTS_PER_ADDRESS: "1000000",
  REGISTRATIONS_PER_ADDRESS: "1000000",
};

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase(options.kind ?? "postgres"));
  // The outbox does not poll unless a test asks: tests run batches with server.outbox.dispatchBatch().
  const config = {
    ...loadConfig({ ...TEST_SERVER_ENV, ...options.env }),
    ...options.config,
  };
  const logger = createLogger(
    { ...config, traceIds: options.tracing !== undefined },
    options.logDestination,
  );
  const server = await createApiServer({
    config,
    database,
    logger,
    mailer: options.mailer,
    tracing: options.tracing,
  });
  const address = await server.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${address.port}`;
  let closed = false;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    database,
    server,
    async close() {
      if (closed) return;
      closed = true;
      await server.shutdown();
      await database.destroy();
    },
  };
}

/**
 * A test server for the tests of the enclosing describe: started before them (beforeAll),
 * shut down with its database after them (afterAll). Use it like the server itself
 * (`api.graphqlUrl`); touching it outside a test, before it exists, throws.
 */
export function useTestServer(options: TestServerOptions = {}): TestServer {
  return forTests(
    "useTestServer: the server",
    () => startTestServer(options),
    (server) => server.close(),
  );
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/index.js";
import { registerUser } from "../helpers/graphqlClient.js";
import { startTestServer, type TestServer } from "../helpers/httpServer.js";
import {
  createEmbeddedTestDatabaseOnDisk,
  createPostgresTestDatabase,
  type DatabaseKind,
  type TestDatabase,
} from "../helpers/testDatabases.js";
import { recordingMailer } from "./fixtures.js";

describe.each<DatabaseKind>(["postgres", "embedded"])("shutdown on the %s database", (kind) => {
  const events: string[] = [];
  let release: () => void = () => {};
  let entered: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const inMailer = new Promise<void>((resolve) => (entered = resolve));
  // A slow mail provider: the send is under way until the test releases it.
  const mailer = recordingMailer(async () => {
    entered();
    await gate;
  });

  let database: TestDatabase;
  let api: TestServer;
  beforeAll(async () => {
    // On disk: the test reopens it after shutdown.
    database = await (kind === "postgres"
      ? createPostgresTestDatabase()
      : createEmbeddedTestDatabaseOnDisk());
    const recordClose: TestDatabase = {
      ...database,
      async close() {
        events.push("database closing");
        await database.close();
      },
    };
    api = await startTestServer({ database: recordClose, mailer });
  });
  afterAll(async () => {
    release();
    await api?.close();
  });

  it("waits for the outbox batch in progress to commit before it closes the database", async () => {
    const user = await registerUser(api.graphqlUrl);
    const batch = api.server.outbox.dispatchBatch();
    void batch.then(() => events.push("batch committed"));
    await inMailer;

    const shutdown = api.server.shutdown().then(() => events.push("shutdown complete"));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).toEqual([]); // still waiting for the slow send

    release();
    await shutdown;
    expect(events).toEqual(["batch committed", "database closing", "shutdown complete"]);
    expect(await batch).toEqual({ dispatched: 1, failed: 0 });
    expect(mailer.sent.map((email) => email.to)).toEqual([user.email]);

    // The server's client is closed; a new one sees what the batch committed.
    const reopened = await openDatabase(database.config);
    try {
      const row = await reopened.prisma.outboxMessage.findFirstOrThrow();
      expect(row).toMatchObject({ attempts: 1, dispatchedAt: expect.any(Date) as Date });
    } finally {
      await reopened.close();
    }
  });
});

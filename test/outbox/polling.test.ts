import { setTimeout as sleep } from "node:timers/promises";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createOutboxDispatcher,
  DispatcherStoppedError,
  type OutboxDispatcherOptions,
} from "../../src/outbox/index.js";
import { registerUser } from "../helpers/graphqlClient.js";
import { startTestServer } from "../helpers/httpServer.js";
import { createPostgresTestDatabase, useTestDatabase } from "../helpers/testDatabases.js";
import { waitUntil } from "../helpers/waiting.js";
import { captureLogs, insertMessage, recordingMailer } from "./fixtures.js";

describe("the outbox poll loop", () => {
  const database = useTestDatabase(() => createPostgresTestDatabase());
  beforeEach(async () => {
    await database.prisma.outboxMessage.deleteMany();
  });

  const sent: string[] = [];
  let flakyCalls = 0;
  const dispatcherWith = (options: Partial<OutboxDispatcherOptions>) =>
    createOutboxDispatcher({
      prisma: database.prisma,
      logger: captureLogs().logger,
      handlers: {
        "test.ok": async (message) => void sent.push(message.id),
        "test.flaky": async () => {
          flakyCalls += 1;
          throw new Error("always fails");
        },
      },
      ...options,
    });
  beforeEach(() => {
    sent.length = 0;
    flakyCalls = 0;
  });

  it("sends queued messages without being asked, and keeps polling after a handler throws", async () => {
    // A back-off that always comes out at 0 ms: each retry is due on the next poll.
    const dispatcher = dispatcherWith({
      pollIntervalMs: 10,
      maxAttempts: 3,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 1,
    });
    await insertMessage(database.prisma, { topic: "test.flaky", payload: {} });
    dispatcher.start();
    try {
      await waitUntil(() => flakyCalls === 3, 5_000, 5);
      const later = await insertMessage(database.prisma, { topic: "test.ok", payload: {} });
      await waitUntil(() => sent.length === 1, 5_000, 5);
      expect(sent).toEqual([later]);
    } finally {
      await dispatcher.stop();
    }
  });

  it("logs a batch that fails on the database and polls again once the database recovers", async () => {
    const { logger, lines } = captureLogs();
    const dispatcher = dispatcherWith({ pollIntervalMs: 10, logger });
    const id = await insertMessage(database.prisma, { topic: "test.ok", payload: {} });
    await database.prisma.$executeRawUnsafe(`ALTER TABLE outbox_messages RENAME TO outbox_away`);
    dispatcher.start();
    try {
      await waitUntil(
        () => lines.some((line) => line.msg.startsWith("outbox batch failed")),
        5_000,
        5,
      );
      await database.prisma.$executeRawUnsafe(`ALTER TABLE outbox_away RENAME TO outbox_messages`);
      await waitUntil(() => sent.length === 1, 5_000, 5);
      expect(sent).toEqual([id]);
    } finally {
      await dispatcher.stop();
      await database.prisma
        .$executeRawUnsafe(`ALTER TABLE IF EXISTS outbox_away RENAME TO outbox_messages`)
        .catch(() => {});
    }
  });

  it("sends nothing after stop(), and refuses dispatchBatch() then", async () => {
    const dispatcher = dispatcherWith({ pollIntervalMs: 10 });
    dispatcher.start();
    await dispatcher.stop();
    await insertMessage(database.prisma, { topic: "test.ok", payload: {} });
    await sleep(100);
    expect(sent).toEqual([]);
    await expect(dispatcher.dispatchBatch()).rejects.toThrow(DispatcherStoppedError);
  });

  it("never polls when the interval is 0, yet runs a batch when asked", async () => {
    const dispatcher = dispatcherWith({ pollIntervalMs: 0 });
    dispatcher.start();
    const id = await insertMessage(database.prisma, { topic: "test.ok", payload: {} });
    await sleep(100);
    expect(sent).toEqual([]);
    expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 1, failed: 0 });
    expect(sent).toEqual([id]);
    await dispatcher.stop();
  });

  it.each([
    ["batchSize", 0],
    ["maxAttempts", 1.5],
    ["pollIntervalMs", -1],
    ["handlerTimeoutMs", 0],
    ["retryBaseDelayMs", 0],
    ["retryMaxDelayMs", 86_400_001],
  ] as const)("refuses %s = %s when it is created", (key, value) => {
    expect(() => dispatcherWith({ [key]: value })).toThrow(
      new RegExp(`^outbox ${key} must be a whole number`),
    );
  });
});

describe("the server's outbox", () => {
  it("polls once the server listens when OUTBOX_POLL_INTERVAL_MS is set", async () => {
    const mailer = recordingMailer();
    const api = await startTestServer({ env: { OUTBOX_POLL_INTERVAL_MS: "20" }, mailer });
    try {
      const user = await registerUser(api.graphqlUrl);
      await waitUntil(() => mailer.sent.length === 1, 5_000, 5);
      expect(mailer.sent[0]!.to).toBe(user.email);
    } finally {
      await api.close();
    }
  });
});

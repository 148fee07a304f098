import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/index.js";
import { createOutboxDispatcher, type OutboxDispatcher } from "../../src/outbox/index.js";
import { createPostgresTestDatabase, type TestDatabase } from "../helpers/testDatabases.js";
import { captureLogs, insertMessage } from "./fixtures.js";

describe("two dispatchers on one PostgreSQL database", () => {
  let database: TestDatabase;
  let second: Database;
  beforeAll(async () => {
    database = await createPostgresTestDatabase({ poolSize: 4 });
    // Another server instance: a client and pool of its own on the same database.
    second = await openDatabase({ kind: "postgres", url: database.location, poolSize: 4 });
  });
  afterAll(async () => {
    await second?.close();
    await database?.destroy();
  });

  it("send each message exactly once when their batches run at the same time", async () => {
    const N = 40;
    const ids = new Set<string>();
    for (let i = 0; i < N; i += 1) {
      ids.add(await insertMessage(database.prisma, { topic: "test.send", payload: { i } }));
    }
    const sends: { dispatcher: string; messageId: string }[] = [];
    const dispatcher = (name: string, prisma: Database["prisma"]) =>
      createOutboxDispatcher({
        prisma,
        logger: captureLogs().logger,
        batchSize: 4,
        handlers: {
          "test.send": async (message) => {
            sends.push({ dispatcher: name, messageId: message.id });
            await sleep(5); // a send takes a moment: the other batch runs meanwhile
          },
        },
      });
    const drain = async (d: OutboxDispatcher) => {
      while ((await d.dispatchBatch()).dispatched > 0);
    };

    await Promise.all([
      drain(dispatcher("a", database.prisma)),
      drain(dispatcher("b", second.prisma)),
    ]);

    expect(sends).toHaveLength(N);
    expect(new Set(sends.map((send) => send.messageId))).toEqual(ids);
    // Both took part, so the batches really did overlap.
    expect(sends.some((send) => send.dispatcher === "a")).toBe(true);
    expect(sends.some((send) => send.dispatcher === "b")).toBe(true);
    expect(await database.prisma.outboxMessage.count({ where: { dispatchedAt: null } })).toBe(0);
    expect(await database.prisma.outboxMessage.count({ where: { attempts: { not: 1 } } })).toBe(0);
  });
});

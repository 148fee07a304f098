import { beforeEach, describe, expect, it } from "vitest";
import { createOutboxDispatcher, DISPATCHER_DEFAULTS } from "../../src/outbox/index.js";
import { retryDelayMs } from "../../src/outbox/retryDelay.js";
import { type DatabaseKind, useTestDatabase } from "../helpers/testDatabases.js";
import { captureLogs, databaseNow, insertMessage, makeDue } from "./fixtures.js";

/** A seeded pseudo-random source in [0, 1) (mulberry32), so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const defaults = {
  retryBaseDelayMs: DISPATCHER_DEFAULTS.retryBaseDelayMs,
  retryMaxDelayMs: DISPATCHER_DEFAULTS.retryMaxDelayMs,
};
/** The largest number below 1: the top of what `random` may return. */
const top = () => 1 - 2 ** -53;

describe("the retry delay", () => {
  it("defaults to a 1 s base and a 5 min cap", () => {
    expect(defaults).toEqual({ retryBaseDelayMs: 1_000, retryMaxDelayMs: 300_000 });
  });

  it("doubles its ceiling with each failed attempt until retryMaxDelayMs caps it", () => {
    const atTop = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => retryDelayMs(defaults, n, top));
    expect(atTop).toEqual([
      999, 1_999, 3_999, 7_999, 15_999, 31_999, 63_999, 127_999, 255_999, 299_999, 299_999,
    ]);
    expect(retryDelayMs({ retryBaseDelayMs: 10, retryMaxDelayMs: 25 }, 3, top)).toBe(24);
  });

  it("is a whole number from 0 up to its ceiling, however many attempts failed", () => {
    const random = seededRandom(42);
    for (const attempts of [1, 2, 5, 9, 10, 50, 1_000, 5_000]) {
      const ceiling = Math.min(300_000, 1_000 * 2 ** (attempts - 1));
      for (let i = 0; i < 500; i += 1) {
        const delay = retryDelayMs(defaults, attempts, random);
        expect(Number.isInteger(delay), `attempt ${attempts}: ${delay}`).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });

  it("is spread over the whole range from 0 to its ceiling (full jitter)", () => {
    const random = seededRandom(7);
    const delays = Array.from({ length: 2_000 }, () => retryDelayMs(defaults, 3, random));
    const mean = delays.reduce((sum, delay) => sum + delay, 0) / delays.length;
    expect(Math.min(...delays)).toBeLessThan(200);
    expect(Math.max(...delays)).toBeGreaterThan(3_800);
    expect(mean).toBeGreaterThan(1_800);
    expect(mean).toBeLessThan(2_200);
    expect(retryDelayMs(defaults, 3, () => 0)).toBe(0);
  });
});

describe.each<DatabaseKind>(["postgres", "embedded"])(
  "the retry back-off on the %s database",
  (kind) => {
    const database = useTestDatabase(kind);
    beforeEach(async () => {
      await database.prisma.outboxMessage.deleteMany();
    });

    const row = (id: string) =>
      database.prisma.outboxMessage.findUniqueOrThrow({
        where: { id },
        select: { attempts: true, dispatchedAt: true, nextAttemptAt: true },
      });
    const plus = (date: Date, ms: number) => new Date(date.getTime() + ms);

    it("keeps a failed message from being claimed before its next_attempt_at, and claims it once it is due", async () => {
      let calls = 0;
      const dispatcher = createOutboxDispatcher({
        prisma: database.prisma,
        logger: captureLogs().logger,
        retryBaseDelayMs: 60_000,
        random: () => 0.5, // a 30 s wait after the first failure
        handlers: {
          "test.recovers": async () => {
            calls += 1;
            if (calls === 1) throw new Error("provider down");
          },
        },
      });
      const id = await insertMessage(database.prisma, { topic: "test.recovers", payload: {} });

      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 1 });
      const { nextAttemptAt } = await row(id);
      expect(nextAttemptAt!.getTime()).toBeGreaterThan(
        plus(await databaseNow(database.prisma), 29_000).getTime(),
      );
      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 0 });
      expect(calls).toBe(1);

      await makeDue(database.prisma, id);
      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 1, failed: 0 });
      expect(calls).toBe(2);
      expect(await row(id)).toEqual({
        attempts: 2,
        dispatchedAt: expect.any(Date) as Date,
        nextAttemptAt: null, // nothing pending once dispatched
      });
    });

    it("stores next_attempt_at as the database's now plus a delay that doubles with each failure up to retryMaxDelayMs, and clears it on giving up", async () => {
      const { logger, lines } = captureLogs();
      const dispatcher = createOutboxDispatcher({
        prisma: database.prisma,
        logger,
        maxAttempts: 5,
        retryBaseDelayMs: 10_000,
        retryMaxDelayMs: 25_000,
        random: () => 0.5, // half of each ceiling: 10 s, 20 s, 25 s, 25 s
        handlers: {
          "test.down": async () => {
            throw new Error("provider down");
          },
        },
      });
      const id = await insertMessage(database.prisma, { topic: "test.down", payload: {} });

      for (const [index, delay] of [5_000, 10_000, 12_500, 12_500].entries()) {
        await makeDue(database.prisma, id);
        const before = await databaseNow(database.prisma);
        expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 1 });
        const after = await databaseNow(database.prisma);
        const stored = await row(id);
        expect(stored.attempts).toBe(index + 1);
        // 1 ms either side: the column keeps milliseconds, rounded.
        expect(stored.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(
          plus(before, delay - 1).getTime(),
        );
        expect(stored.nextAttemptAt!.getTime()).toBeLessThanOrEqual(
          plus(after, delay + 1).getTime(),
        );
      }

      await makeDue(database.prisma, id);
      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 1 });
      expect(await row(id)).toEqual({ attempts: 5, dispatchedAt: null, nextAttemptAt: null });
      const failures = lines.filter((line) => line.msg.startsWith("outbox message failed"));
      expect(failures.map((line) => line.retryInMs)).toEqual([5_000, 10_000, 12_500, 12_500, null]);
    });

    it("spreads the retries of messages that failed together between now and the default 1 s base", async () => {
      const dispatcher = createOutboxDispatcher({
        prisma: database.prisma,
        logger: captureLogs().logger,
        batchSize: 20,
        handlers: {
          "test.down": async () => {
            throw new Error("provider down");
          },
        },
      });
      for (let i = 0; i < 20; i += 1) {
        await insertMessage(database.prisma, { topic: "test.down", payload: { i } });
      }

      const before = await databaseNow(database.prisma);
      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 20 });
      const after = await databaseNow(database.prisma);

      const rows = await database.prisma.outboxMessage.findMany({
        select: { nextAttemptAt: true },
      });
      const times = rows.map((stored) => stored.nextAttemptAt!.getTime());
      for (const time of times) {
        expect(time).toBeGreaterThanOrEqual(before.getTime() - 1);
        expect(time).toBeLessThanOrEqual(after.getTime() + 1_000 + 1);
      }
      expect(new Set(times).size).toBeGreaterThan(10); // jittered, not all at one instant
    });

    it("leaves a message that succeeds unaffected: dispatched at once with no retry scheduled, even behind a backing-off one", async () => {
      const sent: string[] = [];
      const dispatcher = createOutboxDispatcher({
        prisma: database.prisma,
        logger: captureLogs().logger,
        random: () => 0.5,
        // A back-off of minutes (the 5 min ceiling, halved by `random`): the failed message
        // cannot come due again between the two batches, however slow the machine. With
        // the default 1 s base it waited 0.5 s, which a busy CI machine once outlasted.
        retryBaseDelayMs: 3_600_000,
        handlers: {
          "test.down": async () => {
            throw new Error("provider down");
          },
          "test.ok": async (message) => void sent.push(message.id),
        },
      });
      const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
      const failing = await insertMessage(database.prisma, {
        topic: "test.down",
        payload: {},
        createdAt: t(1),
      });
      const first = await insertMessage(database.prisma, {
        topic: "test.ok",
        payload: {},
        createdAt: t(2),
      });

      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 1, failed: 1 });
      expect(await row(first)).toEqual({
        attempts: 1,
        dispatchedAt: expect.any(Date) as Date,
        nextAttemptAt: null,
      });

      // The older failed message is waiting: a newer one goes out without it.
      const second = await insertMessage(database.prisma, { topic: "test.ok", payload: {} });
      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 1, failed: 0 });
      expect(sent).toEqual([first, second]);
      expect((await row(failing)).attempts).toBe(1);
    });

    it("retries a given-up message again after attempts = 0 and next_attempt_at = NULL", async () => {
      let down = true;
      const dispatcher = createOutboxDispatcher({
        prisma: database.prisma,
        logger: captureLogs().logger,
        maxAttempts: 2,
        handlers: {
          "test.later": async () => {
            if (down) throw new Error("provider down");
          },
        },
      });
      const id = await insertMessage(database.prisma, { topic: "test.later", payload: {} });
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        await makeDue(database.prisma, id);
        expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 1 });
      }
      await makeDue(database.prisma, id);
      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 0 });

      down = false;
      await database.prisma.$executeRaw`
        UPDATE outbox_messages SET attempts = 0, next_attempt_at = NULL WHERE id = ${id}::uuid`;
      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 1, failed: 0 });
      expect(await row(id)).toEqual({
        attempts: 1,
        dispatchedAt: expect.any(Date) as Date,
        nextAttemptAt: null,
      });
    });
  },
);

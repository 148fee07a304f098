import { beforeEach, describe, expect, it } from "vitest";
import {
  createOutboxDispatcher,
  PermanentDeliveryError,
  type OutboxHandlers,
} from "../../src/outbox/index.js";
import { WELCOME_EMAIL_TOPIC, welcomeEmailHandlers } from "../../src/accounts/welcomeEmail.js";
import { type DatabaseKind, useTestDatabase } from "../helpers/testDatabases.js";
import { captureLogs, insertMessage, makeDue, recordingMailer } from "./fixtures.js";

describe.each<DatabaseKind>(["postgres", "embedded"])(
  "failed messages on the %s database",
  (kind) => {
    const database = useTestDatabase(kind);
    beforeEach(async () => {
      await database.prisma.outboxMessage.deleteMany();
    });

    const row = (id: string) =>
      database.prisma.outboxMessage.findUniqueOrThrow({
        where: { id },
        select: { attempts: true, dispatchedAt: true },
      });

    it("are retried on a later batch once due, and given up after maxAttempts, with every failure logged", async () => {
      const { logger, lines } = captureLogs();
      let calls = 0;
      const handlers: OutboxHandlers = {
        "test.flaky": async () => {
          calls += 1;
          throw new Error("provider said no");
        },
      };
      const dispatcher = createOutboxDispatcher({
        prisma: database.prisma,
        handlers,
        logger,
        maxAttempts: 3,
      });
      const id = await insertMessage(database.prisma, { topic: "test.flaky", payload: {} });

      for (let attempt = 1; attempt <= 3; attempt += 1) {
        await makeDue(database.prisma, id); // each retry's back-off has passed
        expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 1 });
        expect(await row(id)).toEqual({ attempts: attempt, dispatchedAt: null });
      }
      await makeDue(database.prisma, id); // not claimed though due: no attempts left
      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 0 });
      expect(calls).toBe(3);
      expect(await row(id)).toEqual({ attempts: 3, dispatchedAt: null });

      const failures = lines.filter((line) => line.msg.startsWith("outbox message failed"));
      expect(failures.map((line) => [line.attempt, line.msg])).toEqual([
        [1, "outbox message failed; will retry"],
        [2, "outbox message failed; will retry"],
        [3, "outbox message failed; no attempts left, giving up"],
      ]);
      expect(failures[0]).toMatchObject({
        level: 50,
        messageId: id,
        topic: "test.flaky",
        err: { message: "provider said no" },
      });
    });

    it("succeed on a later batch once the handler recovers", async () => {
      let failuresLeft = 1;
      const dispatcher = createOutboxDispatcher({
        prisma: database.prisma,
        logger: captureLogs().logger,
        handlers: {
          "test.recovers": async () => {
            if (failuresLeft-- > 0) throw new Error("temporarily down");
          },
        },
      });
      const id = await insertMessage(database.prisma, { topic: "test.recovers", payload: {} });

      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 1 });
      await makeDue(database.prisma, id);
      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 1, failed: 0 });
      expect(await row(id)).toEqual({ attempts: 2, dispatchedAt: expect.any(Date) as Date });
    });

    it("of an unknown topic or a malformed payload are logged and do not hold up the rest of the batch", async () => {
      const { logger, lines } = captureLogs();
      const mailer = recordingMailer();
      const dispatcher = createOutboxDispatcher({
        prisma: database.prisma,
        handlers: welcomeEmailHandlers(mailer),
        logger,
      });
      const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
      const unknown = await insertMessage(database.prisma, {
        topic: "user.farewell-email",
        payload: { email: "x@example.com" },
        createdAt: t(1),
      });
      const malformed = await insertMessage(database.prisma, {
        topic: WELCOME_EMAIL_TOPIC,
        payload: { userId: "u-1", email: 42 },
        createdAt: t(2),
      });
      const good = await insertMessage(database.prisma, {
        topic: WELCOME_EMAIL_TOPIC,
        payload: { userId: "u-2", email: "ok@example.com" },
        createdAt: t(3),
      });

      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 1, failed: 2 });
      expect(mailer.sent.map((email) => email.to)).toEqual(["ok@example.com"]);
      expect(await row(good)).toEqual({ attempts: 1, dispatchedAt: expect.any(Date) as Date });
      expect(await row(unknown)).toEqual({ attempts: 1, dispatchedAt: null });
      // A payload that will never parse is given up at once, not retried.
      expect(await row(malformed)).toEqual({ attempts: 5, dispatchedAt: null });

      const failures = lines.filter((line) => line.msg.startsWith("outbox message failed"));
      expect(failures).toEqual([
        expect.objectContaining({
          messageId: unknown,
          topic: "user.farewell-email",
          err: expect.objectContaining({
            code: "OUTBOX_UNKNOWN_TOPIC",
            message: 'No outbox handler for topic "user.farewell-email"',
          }) as object,
        }),
        expect.objectContaining({
          messageId: malformed,
          topic: WELCOME_EMAIL_TOPIC,
          err: expect.objectContaining({
            code: "OUTBOX_MALFORMED_PAYLOAD",
            message:
              'Malformed payload for topic "user.welcome-email": email must be a valid e-mail address',
          }) as object,
        }),
      ]);
    });

    it("that no retry can fix (a provider refusing an address for good) are given up at once", async () => {
      const { logger, lines } = captureLogs();
      const mailer = recordingMailer(() => {
        throw new PermanentDeliveryError("the provider refuses this address");
      });
      const dispatcher = createOutboxDispatcher({
        prisma: database.prisma,
        handlers: welcomeEmailHandlers(mailer),
        logger,
      });
      const id = await insertMessage(database.prisma, {
        topic: WELCOME_EMAIL_TOPIC,
        payload: { userId: "u-1", email: "gone@example.com" },
      });

      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 1 });
      expect(await row(id)).toEqual({ attempts: 5, dispatchedAt: null });
      // Not claimed again, even once it would be due.
      await makeDue(database.prisma, id);
      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 0, failed: 0 });
      expect(
        lines.filter((line) => line.msg === "outbox message failed for good; giving up"),
      ).toHaveLength(1);
    });

    it("include a handler that throws a non-Error, throws synchronously, or runs past its timeout", async () => {
      const { logger, lines } = captureLogs();
      const dispatcher = createOutboxDispatcher({
        prisma: database.prisma,
        logger,
        handlerTimeoutMs: 50,
        handlers: {
          "test.string": () => Promise.reject("just a string"),
          "test.sync": () => {
            throw new Error("thrown before any promise");
          },
          "test.hangs": (_message, { signal }) =>
            new Promise((_resolve, reject) => signal.addEventListener("abort", reject)),
          "test.ok": async () => {},
        },
      });
      const topics = ["test.string", "test.sync", "test.hangs", "test.ok"];
      for (const [second, topic] of topics.entries()) {
        const createdAt = new Date(Date.UTC(2026, 0, 1, 0, 0, second));
        await insertMessage(database.prisma, { topic, payload: {}, createdAt });
      }

      expect(await dispatcher.dispatchBatch()).toEqual({ dispatched: 1, failed: 3 });
      const errors = lines
        .filter((line) => line.msg.startsWith("outbox message failed"))
        .map((line) => (line.err as { message: string }).message);
      expect(errors).toEqual([
        'A non-Error value was thrown: "just a string"',
        "thrown before any promise",
        'The handler for topic "test.hangs" did not finish within 50 ms',
      ]);
    });
  },
);

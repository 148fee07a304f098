/**
 * The broker's idempotency keys with the database store, where HTTP cannot reach: two
 * brokers (two server processes) running one key at once, results that must come back as
 * they went in, and the checks on the options.
 */
import { describe, expect, it } from "vitest";
import {
  createBroker,
  defineUseCase,
  defineWorkflow,
  IdempotencyKeyReusedError,
  InvalidWorkflowError,
} from "../../src/broker/index.js";
import { createIdempotencyStore } from "../../src/idempotency/index.js";
import { type DatabaseKind, useTestDatabase } from "../helpers/testDatabases.js";
import { waitUntil } from "../helpers/waiting.js";
import { insertUser, rowCounts, type Context } from "./fixtures.js";

describe.each<DatabaseKind>(["postgres", "embedded"])(
  "idempotency keys on the %s database",
  (kind) => {
    const database = useTestDatabase(kind);
    /** Runs that reached the gate, and what lets them go on. */
    let atGate = 0;
    let openGate: () => void = () => {};
    let gate: Promise<void> = Promise.resolve();

    const logActivity = defineUseCase({
      name: "LogActivity",
      async run(input: { userId: string; title: string; waitAtGate: boolean }, { tx }: Context) {
        const row = await tx.activity.create({
          data: {
            userId: input.userId,
            type: "run",
            title: input.title,
            activityDate: new Date(0),
          },
          select: { id: true, activityDate: true, distanceKm: true },
        });
        if (input.waitAtGate) {
          atGate += 1;
          await gate;
        }
        return { activityId: row.id, activityDate: row.activityDate, distanceKm: row.distanceKm };
      },
    });
    const log = defineWorkflow<{ userId: string; title: string; waitAtGate: boolean }>()("log", [
      logActivity,
    ]);
    const otherWorkflow = defineWorkflow<{ userId: string; title: string; waitAtGate: boolean }>()(
      "other",
      [logActivity],
    );
    const newBroker = () =>
      createBroker({
        client: database.transactions,
        workflows: [log, otherWorkflow],
        idempotency: createIdempotencyStore(database.prisma, { ttlMs: 60_000 }),
      });

    it("lets exactly one of two processes' concurrent runs with one key commit; the other returns its result", async () => {
      const userId = await insertUser(database.prisma);
      const idempotency = { key: "k-concurrent", caller: userId, fingerprint: "f" };
      gate = new Promise((resolve) => (openGate = resolve));
      atGate = 0;
      const [first, second] = [newBroker(), newBroker()]; // separate processes: no shared memory
      const firstRun = first.run(log, { userId, title: "once", waitAtGate: true }, { idempotency });
      await waitUntil(() => atGate === 1);
      // The second finds no stored result (the first has not committed) and runs too.
      const secondRun = second.run(
        log,
        { userId, title: "once", waitAtGate: false },
        { idempotency },
      );
      openGate();
      const [a, b] = await Promise.all([firstRun, secondRun]);
      expect(a.replayed).toBe(false);
      expect(b.replayed).toBe(true);
      expect(b.output).toEqual(a.output);
      expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 1 });
    });

    it("returns a stored result as it went in: dates stay dates", async () => {
      const userId = await insertUser(database.prisma);
      const idempotency = { key: "k-types", caller: userId, fingerprint: "f" };
      const broker = newBroker();
      const run = await broker.run(log, { userId, title: "t", waitAtGate: false }, { idempotency });
      const replay = await newBroker().run(
        log,
        { userId, title: "t", waitAtGate: false },
        { idempotency },
      );
      expect(replay).toMatchObject({ replayed: true, attempts: 0, steps: [] });
      expect(replay.output.activityDate).toBeInstanceOf(Date);
      expect(replay.output).toEqual(run.output);
    });

    it("refuses the key for another workflow or fingerprint, running nothing", async () => {
      const userId = await insertUser(database.prisma);
      const key = { key: "k-reused", caller: userId, fingerprint: "f" };
      const broker = newBroker();
      await broker.run(log, { userId, title: "t", waitAtGate: false }, { idempotency: key });
      await expect(
        broker.run(otherWorkflow, { userId, title: "t", waitAtGate: false }, { idempotency: key }),
      ).rejects.toThrow(/used for a log request, not other/);
      await expect(
        newBroker().run(
          log,
          { userId, title: "t", waitAtGate: false },
          { idempotency: { ...key, fingerprint: "g" } },
        ),
      ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 1 });
    });

    it("refuses a key when the broker has no store, and a malformed key", async () => {
      const userId = await insertUser(database.prisma);
      const storeless = createBroker({ client: database.transactions, workflows: [log] });
      const input = { userId, title: "t", waitAtGate: false };
      await expect(
        storeless.run(log, input, { idempotency: { key: "k", caller: userId, fingerprint: "f" } }),
      ).rejects.toThrow(/the broker has no idempotency store/);
      await expect(
        newBroker().run(log, input, {
          idempotency: { key: "", caller: userId, fingerprint: "f" },
        }),
      ).rejects.toBeInstanceOf(InvalidWorkflowError);
      expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 0 });
    });
  },
);

/**
 * Test-only pieces shared by the broker's tests: the transaction client type, a user to
 * hang rows on, a transaction runner that counts what it starts, and captured logs.
 */
import { setTimeout as sleep } from "node:timers/promises";
import pino, { type Logger } from "pino";
import type { StepContext, TransactionRunner } from "../../src/broker/index.js";
import type { Prisma, PrismaClient } from "../../src/db/index.js";

export { sleep };

/** The transaction client the test use cases work with. */
export type Tx = Prisma.TransactionClient;
/** What the test use cases get besides their input. */
export type Context = StepContext<Tx>;

let users = 0;

/** Inserts a user (and its stats row) and returns its id. */
export async function insertUser(prisma: PrismaClient, label = "user"): Promise<string> {
  users += 1;
  const user = await prisma.user.create({
    data: {
      email: `${label}-${process.pid}-${users}-${Date.now()}@example.com`,
      passwordHash: "not-a-real-hash",
      stats: { create: { totalActivities: 0 } },
    },
  });
  return user.id;
}

/** Row counts of the tables the test use cases write to, for one user. */
export async function rowCounts(prisma: PrismaClient, userId: string) {
  const [activities, notifications, stats] = await Promise.all([
    prisma.activity.count({ where: { userId } }),
    prisma.notification.count({ where: { userId } }),
    prisma.userStats.findUniqueOrThrow({ where: { userId } }),
  ]);
  return { activities, notifications, totalActivities: stats.totalActivities };
}

/** A TransactionRunner around `client` that counts the transactions asked for. */
export function countingRunner(client: PrismaClient): TransactionRunner<Tx> & { started: number } {
  const runner = {
    started: 0,
    $transaction<R>(
      fn: (tx: Tx) => Promise<R>,
      options?: Parameters<TransactionRunner<Tx>["$transaction"]>[1],
    ): Promise<R> {
      runner.started += 1;
      return client.$transaction(fn, options);
    },
  };
  return runner;
}

/** A logger whose JSON lines land, parsed, in `lines`. */
export function captureLogs(level: pino.Level = "trace"): {
  logger: Logger;
  lines: Record<string, unknown>[];
  text: () => string;
} {
  const raw: string[] = [];
  const logger = pino({ level }, { write: (line: string) => void raw.push(line) });
  return {
    logger,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join(""),
  };
}

/** Collects unhandled rejections while a test runs; `stop()` returns them. */
export function watchUnhandledRejections(): { stop: () => unknown[] } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => void seen.push(reason);
  process.on("unhandledRejection", listener);
  return {
    stop() {
      process.off("unhandledRejection", listener);
      return seen;
    },
  };
}

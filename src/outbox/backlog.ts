// Internal to the outbox: how far behind it is, for metrics.
import type { PrismaClient } from "../db/index.js";

/** What is waiting to be sent. */
export interface OutboxBacklog {
  /** Messages not dispatched that still have attempts left (given-up ones are not counted). */
  messages: number;
  /** Seconds since the oldest of them was written; 0 when there is none. */
  oldestAgeSeconds: number;
}

/** Reads the backlog of messages with fewer than `maxAttempts` attempts (one query). */
export async function readBacklog(
  prisma: PrismaClient,
  maxAttempts: number,
): Promise<OutboxBacklog> {
  const [row] = await prisma.$queryRaw<{ messages: number; oldest_age_seconds: number | null }[]>`
    SELECT count(*)::int AS messages,
           extract(epoch FROM now() - min(created_at))::float8 AS oldest_age_seconds
    FROM outbox_messages
    WHERE dispatched_at IS NULL AND attempts < ${maxAttempts}`;
  return {
    messages: row?.messages ?? 0,
    oldestAgeSeconds: Math.max(0, row?.oldest_age_seconds ?? 0),
  };
}

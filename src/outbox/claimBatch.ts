// Internal to the outbox: the claiming query of a batch.
import type { Prisma } from "../db/index.js";
import type { OutboxMessage } from "./types.js";

/**
 * Locks and returns up to `batchSize` messages that are not dispatched, have attempts left
 * and are due (no `next_attempt_at`, or one that has passed on the database's clock),
 * oldest first. Must run inside a transaction: the row locks are what keep another
 * dispatcher (another server on the same database) from claiming the same messages until
 * this transaction ends. `SKIP LOCKED` makes that dispatcher take the next free rows
 * instead of waiting; a row it read before our commit is re-checked against the WHERE
 * clause once unlocked, so a message dispatched meanwhile is never claimed again.
 */
export async function claimBatch(
  tx: Prisma.TransactionClient,
  { batchSize, maxAttempts }: { batchSize: number; maxAttempts: number },
): Promise<OutboxMessage[]> {
  const claimed = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id
    FROM outbox_messages
    WHERE dispatched_at IS NULL
      AND attempts < ${maxAttempts}
      AND (next_attempt_at IS NULL OR next_attempt_at <= now())
    ORDER BY created_at, id
    LIMIT ${batchSize}
    FOR UPDATE SKIP LOCKED`;
  if (claimed.length === 0) return [];
  // The rows are ours until commit; read them through the typed client.
  return tx.outboxMessage.findMany({
    where: { id: { in: claimed.map((row) => row.id) } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, topic: true, payload: true, createdAt: true, attempts: true },
  });
}

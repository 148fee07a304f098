// Internal to the outbox: what a batch writes back for each message it handled.
//
// Clocks: `next_attempt_at` is written and compared (in claimBatch) on the database's
// clock only, so API instances whose clocks disagree still agree on when a message is due.
// `dispatched_at` is the app's clock, as before: it is a record, never compared.
import type { Prisma } from "../db/index.js";

/**
 * The handler succeeded: the message is never handed out again. A retry scheduled by an
 * earlier failure is cleared, so `next_attempt_at` is set only while a retry is pending.
 */
export async function markDispatched(tx: Prisma.TransactionClient, id: string): Promise<void> {
  await tx.outboxMessage.update({
    where: { id },
    data: { dispatchedAt: new Date(), attempts: { increment: 1 }, nextAttemptAt: null },
    select: { id: true },
  });
}

/**
 * The handler failed in a way no retry can fix: the message is given up now, its attempts
 * set to `maxAttempts` so that it reads (and is found, and can be retried by hand) like any
 * message that used up its attempts.
 */
export async function markGivenUp(
  tx: Prisma.TransactionClient,
  id: string,
  maxAttempts: number,
): Promise<void> {
  await tx.outboxMessage.update({
    where: { id },
    data: { attempts: maxAttempts, nextAttemptAt: null },
    select: { id: true },
  });
}

/**
 * The handler failed: one attempt fewer left. With `retryInMs`, the message is due again
 * that long after now (the database's `clock_timestamp()`, the moment of this failure,
 * not the batch's start); with `null` (no attempts left) nothing is scheduled.
 */
export async function markFailed(
  tx: Prisma.TransactionClient,
  id: string,
  retryInMs: number | null,
): Promise<void> {
  if (retryInMs === null) {
    await tx.outboxMessage.update({
      where: { id },
      data: { attempts: { increment: 1 }, nextAttemptAt: null },
      select: { id: true },
    });
    return;
  }
  const updated = await tx.$executeRaw`
    UPDATE outbox_messages
    SET attempts = attempts + 1,
        next_attempt_at = clock_timestamp() + ${retryInMs}::integer * interval '1 millisecond'
    WHERE id = ${id}::uuid`;
  if (updated !== 1) throw new Error(`outbox message ${id} vanished while claimed`);
}

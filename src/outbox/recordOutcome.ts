// Internal to the outbox: what a batch writes back for each message it handled.
import type { Prisma } from "../db/index.js";

/** The handler succeeded: the message is never handed out again. */
export async function markDispatched(tx: Prisma.TransactionClient, id: string): Promise<void> {
  await tx.outboxMessage.update({
    where: { id },
    data: { dispatchedAt: new Date(), attempts: { increment: 1 } },
    select: { id: true },
  });
}

/** The handler failed: one attempt fewer left; a later batch retries it while any remain. */
export async function markFailed(tx: Prisma.TransactionClient, id: string): Promise<void> {
  await tx.outboxMessage.update({
    where: { id },
    data: { attempts: { increment: 1 } },
    select: { id: true },
  });
}

import type { Logger } from "pino";
import type { PrismaClient } from "../db/index.js";
import { purgeExpiredIdempotencyKeys } from "./store.js";

const BATCH_SIZE = 500;
const MAX_BATCHES_PER_TICK = 20;

export interface IdempotencyPurge {
  /** Stops the timer and waits for a purge in progress. */
  stop(): Promise<void>;
}

/**
 * Deletes expired idempotency keys every `intervalMs` (0: never), in batches of 500 and
 * at most 10,000 rows a tick. A failed purge is logged and tried again at the next tick.
 */
export function startIdempotencyPurge(options: {
  prisma: PrismaClient;
  intervalMs: number;
  logger: Logger;
}): IdempotencyPurge {
  const { prisma, intervalMs, logger } = options;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = purgeExpiredIdempotencyKeys(prisma, {
      batchSize: BATCH_SIZE,
      maxBatches: MAX_BATCHES_PER_TICK,
    }).then(
      (deleted) => {
        if (deleted > 0) logger.info({ deleted }, "expired idempotency keys purged");
      },
      (error: unknown) => logger.warn({ err: error }, "purging expired idempotency keys failed"),
    );
  };
  const timer = intervalMs > 0 ? setInterval(tick, intervalMs).unref() : undefined;
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

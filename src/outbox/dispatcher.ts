// Internal to the outbox: the dispatcher. Import it from ./index.js.
import type { Logger } from "pino";
import type { PrismaClient } from "../db/index.js";
import { readBacklog, type OutboxBacklog } from "./backlog.js";
import { claimBatch } from "./claimBatch.js";
import { DispatcherStoppedError, isPermanentFailure } from "./errors.js";
import { resolveTuning, type DispatcherTuning } from "./options.js";
import { createPollLoop } from "./pollLoop.js";
import { markDispatched, markFailed, markGivenUp } from "./recordOutcome.js";
import { retryDelayMs } from "./retryDelay.js";
import { runHandler } from "./runHandler.js";
import type { OutboxHandlers } from "./types.js";

export interface OutboxDispatcherOptions extends Partial<DispatcherTuning> {
  /** The app's client; each batch opens a transaction of its own on it. */
  prisma: PrismaClient;
  handlers: OutboxHandlers;
  logger: Logger;
  /** The retry delays' jitter: returns a number in [0, 1). Math.random unless a test seeds it. */
  random?: () => number;
  /**
   * Looks at a failed batch: true when the failure means the database is down and has been
   * reported elsewhere (an outage monitor), so the poll does not log it again every second.
   */
  isOutage?: (error: unknown) => boolean;
}

/** What one batch did: messages marked dispatched, and messages whose handler failed. */
export interface BatchResult {
  dispatched: number;
  failed: number;
}

export interface OutboxDispatcher {
  /** Starts polling (one batch every `pollIntervalMs`); does nothing when that is 0. */
  start(): void;
  /**
   * Stops polling and resolves once every batch in progress has committed or rolled back,
   * so the database can be closed after it. Later `dispatchBatch()` calls reject.
   */
  stop(): Promise<void>;
  /**
   * Claims, handles and records one batch in one transaction. Resolves after the commit.
   * A handler's failure is counted in `failed`, never thrown; it rejects only when the
   * database fails (the transaction then rolled back and the batch is claimed again later).
   */
  dispatchBatch(): Promise<BatchResult>;
  /** What is waiting to be sent: messages with attempts left, and the age of the oldest. */
  backlog(): Promise<OutboxBacklog>;
}

/** Time the batch's own queries (claim, updates, commit) may take beside its handlers. */
const QUERY_BUDGET_MS = 5_000;
/** How long a batch waits for a connection (on the embedded database: for other transactions). */
const MAX_WAIT_MS = 5_000;

/**
 * Sends what use cases wrote to the outbox, after their transactions committed.
 *
 * Each batch runs in one transaction: it locks up to `batchSize` due messages
 * (`FOR UPDATE SKIP LOCKED`), runs each one's handler in turn, and records the outcome
 * before committing: dispatched, or one more failed attempt and, while attempts remain,
 * when the message is due again (an exponential, fully jittered back-off, so an outage of
 * the mail provider does not burn every attempt in a few polls). Holding the row locks
 * while the handlers run is what lets several dispatchers share a database without
 * sending a message twice. The cost: a transaction and a connection stay open while e-mails go out,
 * and on the single-connection embedded database other transactions wait meanwhile. Hence
 * a modest batch size, a per-handler timeout, and a transaction timeout sized from both
 * (`batchSize * handlerTimeoutMs` plus a budget for the queries), so handlers alone can
 * never expire the transaction.
 *
 * Delivery is at least once: if the process dies or the commit fails after a handler
 * succeeded, that message is handled again by a later batch.
 */
export function createOutboxDispatcher(options: OutboxDispatcherOptions): OutboxDispatcher {
  const { prisma, handlers, random = Math.random } = options;
  const tuning = resolveTuning(options);
  const logger = options.logger.child({ component: "outbox" });
  // READ COMMITTED, the sessions' default on both databases, left unnamed on purpose: a
  // start naming an isolation level could take the transaction scope handed to the adapter
  // for a workflow's start (src/db/transactionScope.ts).
  const transactionOptions = {
    maxWait: MAX_WAIT_MS,
    timeout: tuning.batchSize * tuning.handlerTimeoutMs + QUERY_BUDGET_MS,
  };
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;

  const runBatch = async (): Promise<BatchResult> => {
    const startedAt = performance.now();
    const result = await prisma.$transaction(async (tx) => {
      // 1. Claim: lock the oldest due messages no other dispatcher holds.
      const messages = await claimBatch(tx, tuning);
      const counts: BatchResult = { dispatched: 0, failed: 0 };
      for (const message of messages) {
        // 2. Handle: whatever goes wrong is this message's failure, not the batch's.
        const attempt = message.attempts + 1;
        const context = { messageId: message.id, topic: message.topic, attempt };
        const outcome = await runHandler(message, handlers, {
          timeoutMs: tuning.handlerTimeoutMs,
          logger: logger.child(context),
        });
        // 3. Record: written at the batch's commit.
        if (outcome.ok) {
          await markDispatched(tx, message.id);
          counts.dispatched += 1;
          logger.debug(context, "outbox message handled");
        } else {
          // A failure no retry can fix is given up now, not after every attempt has failed.
          const permanent = isPermanentFailure(outcome.error);
          const givingUp = permanent || attempt >= tuning.maxAttempts;
          const retryInMs = givingUp ? null : retryDelayMs(tuning, attempt, random);
          if (permanent) await markGivenUp(tx, message.id, tuning.maxAttempts);
          else await markFailed(tx, message.id, retryInMs);
          counts.failed += 1;
          logger.error(
            { ...context, maxAttempts: tuning.maxAttempts, retryInMs, err: outcome.error },
            permanent
              ? "outbox message failed for good; giving up"
              : givingUp
                ? "outbox message failed; no attempts left, giving up"
                : "outbox message failed; will retry",
          );
        }
      }
      return counts;
    }, transactionOptions);
    if (result.dispatched + result.failed > 0) {
      logger.info(
        { ...result, durationMs: Math.round(performance.now() - startedAt) },
        "outbox batch committed",
      );
    }
    return result;
  };

  const dispatchBatch = (): Promise<BatchResult> => {
    if (stopped) return Promise.reject(new DispatcherStoppedError());
    const batch = runBatch();
    inFlight.add(batch);
    const forget = () => inFlight.delete(batch);
    batch.then(forget, forget);
    return batch;
  };

  const loop = createPollLoop({
    intervalMs: tuning.pollIntervalMs,
    // The loop outlives any one failure: a database error is logged and retried next tick.
    tick: () =>
      dispatchBatch().then(
        () => undefined,
        (error: unknown) => {
          if (!(error instanceof DispatcherStoppedError)) {
            // An outage is logged once by whoever watches for outages, not on every poll.
            if (!options.isOutage?.(error)) {
              logger.error({ err: error }, "outbox batch failed; retrying on the next poll");
            }
          }
        },
      ),
  });

  return {
    start() {
      if (tuning.pollIntervalMs === 0) {
        logger.info("outbox polling disabled (poll interval 0)");
        return;
      }
      loop.start();
      logger.debug({ pollIntervalMs: tuning.pollIntervalMs }, "outbox polling started");
    },
    async stop() {
      stopped = true;
      loop.stop();
      await Promise.allSettled([...inFlight]);
    },
    dispatchBatch,
    backlog: () => readBacklog(prisma, tuning.maxAttempts),
  };
}

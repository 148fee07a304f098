// Internal to the broker: which failures are worth running the whole workflow again.
import { causeChain, stringProperty } from "./causeChain.js";
import { BrokerError, WorkflowStepError } from "./errors.js";

/** PostgreSQL's serialization_failure and deadlock_detected. */
const CONFLICT_SQLSTATES = new Set(["40001", "40P01"]);

/**
 * The write conflict or deadlock somewhere in `error`'s cause chain, or undefined.
 * Recognised: Prisma's P2034; a driver-adapter error (or its `cause`) of kind
 * "TransactionWriteConflict", also under `meta.driverAdapterError`; SQLSTATE 40001 or 40P01
 * as `code` (node-postgres) or `originalCode` (Prisma's adapters). Only these are retried:
 * re-running a transaction that lost such a race may succeed, re-running anything else
 * would fail the same way or repeat side effects for nothing.
 */
export function findWriteConflict(error: unknown): unknown {
  for (const link of causeChain(error)) {
    const code = stringProperty(link, "code");
    if (code === "P2034") return link;
    if (code !== undefined && CONFLICT_SQLSTATES.has(code)) return link;
    const originalCode = stringProperty(link, "originalCode");
    if (originalCode !== undefined && CONFLICT_SQLSTATES.has(originalCode)) return link;
    if (stringProperty(link, "kind") === "TransactionWriteConflict") return link;
  }
  return undefined;
}

/**
 * When a failed attempt is worth re-running, the error that carries its write conflict:
 * what the step threw (a statement hit the conflict) or the database's own error (the
 * commit hit it). Otherwise undefined: timeouts and the broker's other errors are never
 * retried.
 */
export function retryableConflict(attemptError: unknown): unknown {
  const candidate =
    attemptError instanceof WorkflowStepError
      ? attemptError.cause
      : attemptError instanceof BrokerError
        ? undefined
        : attemptError;
  return findWriteConflict(candidate) === undefined ? undefined : candidate;
}

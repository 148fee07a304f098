/**
 * What a driver adapter needs to know about the transaction it is asked to start, and
 * cannot learn from Prisma: the signal that says the transaction's work must stop.
 *
 * Prisma calls `adapter.startTransaction(isolationLevel)` with nothing else; the broker's
 * deadline and the caller's abort live in the broker. `runInTransactionScope` carries
 * them from `Database.transactions.$transaction` down to the adapter, through
 * AsyncLocalStorage, so the adapter can stop the statement in flight when the signal
 * aborts instead of letting it run on with its locks and its connection.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface TransactionScope {
  /** Aborts when the transaction's work must stop: the statement in flight is cancelled. */
  readonly signal?: AbortSignal | undefined;
  /** True while the transaction's work runs (transactionControl.ts). */
  readonly inProgress: boolean;
}

const storage = new AsyncLocalStorage<TransactionScope>();

/** Runs `fn` (which starts one transaction) with `scope` visible to the adapter. */
export function runInTransactionScope<T>(
  scope: TransactionScope,
  fn: () => Promise<T>,
): Promise<T> {
  return storage.run(scope, fn);
}

/** The scope of the transaction being started, if it was started through runInTransactionScope. */
export function currentTransactionScope(): TransactionScope | undefined {
  return storage.getStore();
}

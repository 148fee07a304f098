/**
 * What a driver adapter needs to know about the transaction it is asked to start, and
 * cannot learn from Prisma: the signal that says the transaction's work must stop.
 *
 * Prisma calls `adapter.startTransaction(isolationLevel)` with nothing else; the broker's
 * deadline and the caller's abort live in the broker. `runInTransactionScope` hands them
 * from `Database.transactions.$transaction` to the adapter, so the adapter can stop the
 * statement in flight when the signal aborts instead of letting it run on with its locks
 * and its connection.
 *
 * The hand-off, without AsyncLocalStorage: on Node 20 and 22 an AsyncLocalStorage turns on
 * promise hooks for the whole process, for good, and every promise pays for them. Measured
 * with `npm run bench:profile -- --target broker`: 2.84 ms of CPU per createActivity run
 * with it, 1.96 without, where the same writes in a hand-written `$transaction` take 2.0.
 * Instead, one transaction start at a time holds the hand-off ("the window"): its scope
 * waits in `handedOff` from the call to `prisma.$transaction` until the adapter's
 * `startTransaction` takes it, or until `prisma.$transaction` settles without having
 * asked the adapter (it failed first). Prisma gets from the one to the other in a few
 * microtasks with no I/O between them (it only generates the transaction's id), so the
 * window opens and closes within one turn of the event loop and the starts that wait
 * for it lose no time to speak of.
 *
 * Only a start that names an isolation level takes the scope: every start through
 * runInTransactionScope names one (Database.transactions sees to it), and Prisma's own
 * internal transactions (a nested write outside an interactive transaction) name none, so
 * they cannot take a scope meant for another transaction. Nothing else in this app starts
 * an interactive transaction with an isolation level outside Database.transactions
 * (test/db/transactionScope.test.ts checks the sources).
 */

export interface TransactionScope {
  /** Aborts when the transaction's work must stop: the statement in flight is cancelled. */
  readonly signal?: AbortSignal | undefined;
  /** True while the transaction's work runs (transactionControl.ts). */
  readonly inProgress: boolean;
}

/** A start holding the hand-off: its scope, until the adapter takes it. */
interface Window {
  readonly scope: TransactionScope;
  taken: boolean;
}

/** The start in the window, if one is. */
let open: Window | undefined;
/** Starts waiting for the window. */
const waiting: (() => void)[] = [];

function release(window: Window): void {
  if (open !== window) return;
  open = undefined;
  waiting.shift()?.();
}

/**
 * Runs `start` (which calls `prisma.$transaction` once, at once, and must give it an
 * isolation level) with `scope` handed to the adapter's `startTransaction` for it.
 */
export async function runInTransactionScope<T>(
  scope: TransactionScope,
  start: () => Promise<T>,
): Promise<T> {
  while (open !== undefined) await new Promise<void>((resolve) => waiting.push(resolve));
  const window: Window = { scope, taken: false };
  open = window;
  try {
    return await start();
  } finally {
    // Taken: the window closed then. Not taken: Prisma failed before it started the
    // transaction, and the window closes now.
    release(window);
  }
}

/**
 * Called by an adapter's `startTransaction(isolationLevel)`, synchronously, before it
 * awaits anything: the scope of the transaction being started, if it was started through
 * runInTransactionScope. A start without an isolation level never takes one (see above).
 */
export function takeTransactionScope(
  isolationLevel: string | undefined,
): TransactionScope | undefined {
  const window = open;
  if (isolationLevel === undefined || window === undefined || window.taken) return undefined;
  window.taken = true;
  release(window);
  return window.scope;
}

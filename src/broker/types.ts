// Internal to the broker: the shapes shared by its files. Import them from ./index.js.
import type { Logger } from "pino";

/** Prisma's names for PostgreSQL's four isolation levels. */
export type IsolationLevel =
  "ReadUncommitted" | "ReadCommitted" | "RepeatableRead" | "Serializable";

/** How a workflow that hit a write conflict or deadlock is re-run. */
export interface RetryPolicy {
  /** Attempts in total, the first one included (1 = never retry). Whole number, at least 1. */
  maxAttempts: number;
  /** Upper bound of the first back-off delay; doubles with every further attempt. Whole number of ms, at least 0. */
  baseDelayMs: number;
  /** No back-off delay is ever longer than this. Whole number of ms, at least baseDelayMs. */
  maxDelayMs: number;
}

/** Transaction options of a workflow or of one run; unset fields fall back to the next level. */
export interface TransactionOptions {
  /** The isolation level the transaction really runs at (applied on PostgreSQL and PGlite alike). */
  isolationLevel?: IsolationLevel;
  /** Milliseconds from the transaction's start after which no step starts and the run fails. */
  timeout?: number;
  /** Milliseconds to wait for a connection to start the transaction. */
  maxWait?: number;
  /** Retries after write conflicts and deadlocks; unset fields fall back to the next level. */
  retry?: Partial<RetryPolicy>;
}

/** What one run is given besides its input: option overrides, and a signal to abort it. */
export interface RunOptions extends TransactionOptions {
  /**
   * Aborts the run (e.g. when the client that asked for it went away): a run that has not
   * committed stops, its statement in flight is cancelled, its transaction rolls back,
   * and it rejects with WorkflowAbortedError. A run whose commit already succeeded still
   * resolves.
   */
  signal?: AbortSignal;
  /**
   * Runs every step (and the steps before the transaction) as a real run would, resolves
   * with the result it would have committed, and rolls the transaction back instead of
   * committing: nothing is written, so no outbox message of a dry run is ever sent.
   * Work outside the transaction (a rate limit's count, say) is not undone.
   */
  dryRun?: boolean;
  /**
   * Makes a repeated request run once: the run's result is stored under this key, in the
   * run's own transaction, and a later run with the same key and caller resolves with the
   * stored result without running anything (`replayed: true`). Needs a broker created with
   * an `idempotency` store; see {@link IdempotencyKey}. Not allowed with `dryRun`.
   */
  idempotency?: IdempotencyKey;
  /**
   * Who asked for the run (a user id), for its report (`RunReport.caller`): the broker
   * only passes it on.
   */
  caller?: string;
}

/**
 * One logical request, as its client identifies it (the `Idempotency-Key` header): a run
 * given the key of a stored run resolves with that run's result. A key is the caller's
 * own: the same key from another caller is another key.
 */
export interface IdempotencyKey {
  /** The client's key: 1-255 printable characters. */
  readonly key: string;
  /** Who the key belongs to (a user id). */
  readonly caller: string;
  /**
   * What was asked for (e.g. a hash of the operation and its variables). The same key
   * with another fingerprint, or for another workflow, is refused with
   * IdempotencyKeyReusedError: a key names one request, never two.
   */
  readonly fingerprint: string;
}

/** What the broker stores of a run made with an idempotency key, and reads back to replay it. */
export interface StoredRun {
  readonly workflow: string;
  readonly fingerprint: string;
  /** The run's result, as a committed run resolved with it. */
  readonly output: object;
}

/**
 * Where a broker keeps the results of runs made with an idempotency key. The broker calls
 * `save` in the run's transaction after its last step, so the result commits with the
 * run's writes or not at all, and a run that fails stores nothing.
 */
export interface IdempotencyStore<Tx> {
  /** The stored run under `key` (key and caller), if any and not expired. */
  find(key: IdempotencyKey): Promise<StoredRun | undefined>;
  /**
   * Stores `run` under `key` through `tx`. When the key is already stored (a concurrent
   * run with it committed first; the store waits for that run's transaction to end),
   * stores nothing and returns the stored run instead.
   */
  save(tx: Tx, key: IdempotencyKey, run: StoredRun): Promise<StoredRun | undefined>;
}

/**
 * Runs `work` in a savepoint of the transaction `tx`: when it rejects, its writes are
 * rolled back and the transaction goes on. Prisma's nested `tx.$transaction(work)` is one.
 */
export type SavepointRunner<Tx> = <R>(tx: Tx, work: (tx: Tx) => Promise<R>) => Promise<R>;

/** Options with every field set: what a workflow's runs use unless a run overrides them. */
export interface ResolvedTransactionOptions {
  isolationLevel: IsolationLevel;
  timeout: number;
  maxWait: number;
  retry: RetryPolicy;
}

/**
 * Anything with Prisma's interactive `$transaction`: `PrismaClient` is assignable to
 * `TransactionRunner<Prisma.TransactionClient>`. The broker needs nothing else from the client.
 *
 * The broker passes `signal`, which aborts when the run's deadline passes or its caller
 * gives up. A runner that can should then cancel the statement in flight, so the
 * transaction rolls back at once instead of when the statement ends (the app's
 * `Database.transactions` does; a bare PrismaClient ignores it and rolls back once the
 * statement ends).
 */
export interface TransactionRunner<Tx> {
  $transaction<R>(
    fn: (tx: Tx) => Promise<R>,
    options?: {
      isolationLevel?: IsolationLevel;
      timeout?: number;
      maxWait?: number;
      signal?: AbortSignal;
    },
  ): Promise<R>;
}

/**
 * What a use case gets besides its input. There is deliberately no global client here:
 * all of a step's database work goes through `tx`, the run's transaction.
 */
export interface StepContext<Tx> {
  /** The run's transaction client. Its writes commit together with every other step's, or not at all. */
  readonly tx: Tx;
  /**
   * Aborts when the run's deadline passes or its caller aborts it; long-running steps
   * should stop then (their work is rolled back anyway). The reason is the error the run
   * rejects with (WorkflowTimeoutError or WorkflowAbortedError).
   */
  readonly signal: AbortSignal;
  /** The workflow's name. */
  readonly workflow: string;
  /** This step's (use case's) name. */
  readonly step: string;
  /** 1 on the first attempt, 2 on the first retry after a write conflict, ... */
  readonly attempt: number;
  /** Bound to workflow, step and attempt; secrets in logged objects are redacted. */
  readonly logger: Logger;
}

/** What a step that runs before the transaction gets besides its input: no `tx`. */
export type BeforeTransactionContext = Omit<StepContext<never>, "tx">;

/**
 * One step of a workflow: takes a typed input, works through the transaction it is given,
 * returns a typed output object that is merged into the input of the steps after it.
 */
export interface UseCase<Tx, In extends object, Out extends object> {
  /** Names the step in logs, errors, run timings and the workflow catalogue. */
  readonly name: string;
  /**
   * True for a step that runs before the workflow's transaction opens, with no `tx`: work
   * that must not hold a connection or a lock while it runs (hashing a password, a
   * read whose answer decides whether to write at all). Such steps come first in their
   * workflow and run once per run, not again when a write conflict retries the rest.
   */
  readonly beforeTransaction?: boolean;
  /** Does the step's work; throwing (anything) rolls back the whole workflow. */
  run(input: In, context: StepContext<Tx>): Promise<Out>;
}

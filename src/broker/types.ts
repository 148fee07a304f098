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
}

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

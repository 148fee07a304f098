// Internal to the broker: the broker itself, which runs registered workflows.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "pino";
import { backoffDelayMs } from "./backoff.js";
import { elapsedMs } from "./clock.js";
import {
  IdempotencyKeyReusedError,
  InvalidWorkflowError,
  WorkflowAbortedError,
  WorkflowRetriesExhaustedError,
} from "./errors.js";
import { createBrokerLogger, lazyChild } from "./logger.js";
import { checkRunOptions, checkTransactionOptions, resolveTransactionOptions } from "./options.js";
import { runBeforeTransaction } from "./beforeTransaction.js";
import { refuseNestedRun } from "./runGuard.js";
import {
  runAttempt,
  StoredMeanwhile,
  type RecoveredFailure,
  type StepTiming,
} from "./runAttempt.js";
import type {
  IdempotencyKey,
  IdempotencyStore,
  ResolvedTransactionOptions,
  RunOptions,
  SavepointRunner,
  StoredRun,
  TransactionOptions,
  TransactionRunner,
  UseCase,
} from "./types.js";
import { isDefinedWorkflow, type SomeWorkflow, type Workflow } from "./workflow.js";
import { stepNames } from "./workflowStep.js";
import {
  observeRun,
  runOutcomeOf as outcomeOf,
  type RunListener,
  type RunObserver,
} from "./runEvents.js";
import { inContext } from "./tracing.js";
import { retryableConflict } from "./writeConflict.js";

/** A committed run (or a dry run, rolled back; or the replay of a stored run). */
export interface WorkflowRun<Result> {
  /** The merge of the steps' outputs (see WorkflowResult). */
  output: Result;
  /** How many attempts it took: 1, plus one per retry after a write conflict; 0 for a replay. */
  attempts: number;
  /** From the call to `run` to the commit, retries and back-off included. */
  durationMs: number;
  /** Every step that ran, in order, on every attempt (a step that failed on a conflict included). */
  steps: StepTiming[];
  /** True for a dry run: every step ran, and the transaction was rolled back. */
  dryRun: boolean;
  /**
   * True when nothing ran: a run with the same idempotency key and request had committed,
   * and `output` is its stored result.
   */
  replayed: boolean;
  /** The nested workflows' failures that their onFailure recovered from (see workflowStep). */
  recovered: RecoveredFailure[];
}

/** A registered workflow as the catalogue shows it. */
export interface WorkflowDescription {
  name: string;
  /** The use cases' names, in the order they run. */
  steps: string[];
  /** The options its runs use when they do not override them: workflow, then broker defaults, then built-in. */
  options: ResolvedTransactionOptions;
}

/** A workflow as a broker registered it, with what its runs need worked out once. */
interface Registration<Tx> {
  workflow: SomeWorkflow<Tx>;
  /** Its options: the workflow's, then the broker's defaults, then the built-in ones. */
  options: ResolvedTransactionOptions;
  /** How errors about one of its runs begin. */
  where: string;
  /** The steps that run before its transaction, once per run; then the transaction's. */
  beforeTransaction: UseCase<Tx, object, object>[];
  transactional: UseCase<Tx, object, object>[];
}

/** Runs workflows, each in one transaction. */
export interface Broker<Tx> {
  /**
   * Runs `workflow` with `input` in one transaction and resolves once it has committed.
   * Each step's input is `{ ...input, ...outputs of the steps before it }`.
   *
   * Guarantees: a run that resolves has committed; a run that rejects has written nothing.
   * Options resolve field by field: `overrides`, then the workflow's, then the broker's
   * defaults, then the built-in ones; invalid overrides or a workflow this broker was not
   * created with reject with InvalidWorkflowError before any transaction starts. A write
   * conflict or deadlock re-runs the whole workflow in a fresh transaction after an
   * exponential, fully jittered back-off, up to `retry.maxAttempts` attempts in all
   * (then WorkflowRetriesExhaustedError); nothing else is retried. No step starts after
   * the deadline (`timeout` from the transaction's start): WorkflowTimeoutError. A step
   * that throws: WorkflowStepError. No start within `maxWait`: TransactionStartTimeoutError.
   * A failing commit that is none of these rejects with the database's own error.
   *
   * `options.signal` aborts the run: one that has not committed stops as at its deadline
   * (the statement in flight is cancelled, the transaction rolls back) and rejects with
   * WorkflowAbortedError; a signal already aborted starts nothing.
   */
  run<Input extends object, Result extends object>(
    workflow: Workflow<Tx, Input, Result>,
    input: NoInfer<Input>,
    options?: RunOptions,
  ): Promise<WorkflowRun<Result>>;
  /** Every registered workflow, in registration order, with its steps and resolved options. */
  listWorkflows(): WorkflowDescription[];
  /**
   * Resolves once no run is in flight (runs started meanwhile included) and no stopped
   * run's transaction is still rolling back; for graceful shutdown.
   */
  drain(): Promise<void>;
  /** How many runs are in flight right now (called, not yet settled). */
  readonly inFlight: number;
}

/** What a broker is made of. */
export interface BrokerConfig<Tx> {
  /** Starts the transactions: a PrismaClient, or anything with its interactive `$transaction`. */
  client: TransactionRunner<Tx>;
  /** The workflows it runs; names must be unique. */
  workflows: readonly SomeWorkflow<NoInfer<Tx>>[];
  /** Receives run and step logs (secrets redacted). Default: a silent logger. */
  logger?: Logger;
  /** Options for workflows that do not set them (each field on its own). */
  defaults?: TransactionOptions;
  /** Where runs given an idempotency key store their results. Without it, such runs are refused. */
  idempotency?: IdempotencyStore<NoInfer<Tx>>;
  /**
   * Opens the savepoints of nested workflows that may fail on their own (workflowStep's
   * onFailure). Default: the transaction client's own nested `$transaction` (Prisma 7's).
   */
  savepoint?: SavepointRunner<NoInfer<Tx>>;
  /**
   * Traces every run: a span for the run, one per attempt and one per step (each step
   * runs with its span active, so spans made inside it nest under it). Without one the
   * broker does no tracing work at all.
   */
  tracer?: Tracer;
  /** Receives each run's report once it has settled; a listener that throws is ignored. */
  onRunSettled?: RunListener;
  /**
   * Whether a `broker.run` started from a run's steps (or from work they start) is refused
   * with NestedRunError; default true. Such a run would have a transaction of its own,
   * committing behind the enclosing run's back. Telling where a call comes from takes an
   * AsyncLocalStorage: on Node 24 nearly free; on Node 20 and 22 it turns on promise
   * hooks for the whole process, which measured 45% more CPU per run (2.84 against 1.96 ms
   * for createActivity in `npm run bench:profile`). See `asyncLocalStorageIsCheap`.
   */
  refuseNestedRuns?: boolean;
}

/** Prisma's nested `tx.$transaction(work)`: a savepoint, released or rolled back to. */
function nestedTransaction<Tx>(tx: Tx, work: (tx: Tx) => Promise<unknown>): Promise<unknown> {
  const $transaction = (tx as { $transaction?: unknown }).$transaction;
  if (typeof $transaction !== "function") {
    return Promise.reject(
      new InvalidWorkflowError(
        "A nested workflow with onFailure needs a savepoint: the transaction client has no " +
          "nested $transaction, so give createBroker a `savepoint` runner",
      ),
    );
  }
  return ($transaction as (work: (tx: Tx) => Promise<unknown>) => Promise<unknown>).call(tx, work);
}

/**
 * Creates a broker that runs `config.workflows` through `config.client`. Throws
 * InvalidWorkflowError for a client without `$transaction`, a workflow not made by
 * defineWorkflow, a duplicate workflow name, or invalid defaults.
 */
export function createBroker<Tx>(config: BrokerConfig<Tx>): Broker<Tx> {
  const { client, workflows, defaults } = config;
  if (typeof client?.$transaction !== "function") {
    throw new InvalidWorkflowError(
      "createBroker: the client must have an interactive $transaction",
    );
  }
  checkTransactionOptions(defaults, "the broker defaults");
  const registry = new Map<string, Registration<Tx>>();
  for (const workflow of workflows) {
    if (!isDefinedWorkflow(workflow)) {
      throw new InvalidWorkflowError("createBroker: every workflow must come from defineWorkflow");
    }
    if (registry.has(workflow.name)) {
      throw new InvalidWorkflowError(`createBroker: two workflows are named "${workflow.name}"`);
    }
    const where = `workflow "${workflow.name}"`;
    // Split once here, not on every run: slicing the workflow's frozen step list took a
    // run's bookkeeping longer than the rest of it, in a profile of createActivity.
    const split = workflow.steps.findIndex((step) => step.beforeTransaction !== true);
    registry.set(workflow.name, {
      workflow,
      options: resolveTransactionOptions([workflow.options, defaults], where),
      where: `a run of ${where}`,
      beforeTransaction: workflow.steps.slice(0, split) as UseCase<Tx, object, object>[],
      transactional: workflow.steps.slice(split) as UseCase<Tx, object, object>[],
    });
  }
  const logger = createBrokerLogger(config.logger);
  const idempotencyStore = config.idempotency;
  const savepoint = config.savepoint ?? (nestedTransaction as SavepointRunner<Tx>);
  const refuseNestedRuns = config.refuseNestedRuns ?? true;
  /** Runs in progress in this process, by idempotency key: a repeat waits for the first. */
  const runsByKey = new Map<
    string,
    { running: Promise<WorkflowRun<object>>; workflow: string; fingerprint: string }
  >();
  // Counted, not kept in a set: a run's promise as a set member needs an identity hash made
  // for it, which showed in profiles. drain() waits on `idle` instead.
  let inFlight = 0;
  let idle: { settled: Promise<void>; resolve: () => void } | undefined;
  const runSettled = () => {
    inFlight -= 1;
    if (inFlight === 0 && idle !== undefined) {
      idle.resolve();
      idle = undefined;
    }
  };
  /** Resolves once no run is in flight (runs started meanwhile included). */
  const noRunInFlight = (): Promise<void> => {
    if (inFlight === 0) return Promise.resolve();
    if (idle === undefined) {
      let resolve = () => {};
      const settled = new Promise<void>((done) => (resolve = done));
      idle = { settled, resolve };
    }
    return idle.settled;
  };
  /** Transactions of runs that already rejected (stopped), still rolling back. */
  const settling = new Set<Promise<unknown>>();
  const settlingInBackground = (transaction: Promise<unknown>) => {
    settling.add(transaction);
    void transaction.finally(() => settling.delete(transaction));
  };

  /**
   * Checks a run's request before anything runs: the workflow is this broker's, the input
   * an object, the options valid, and a store is there for an idempotency key. Throws
   * InvalidWorkflowError; returns the workflow's registration.
   */
  function checkRequest(workflow: SomeWorkflow<Tx>, input: unknown, overrides: unknown) {
    const registered = isDefinedWorkflow(workflow) ? registry.get(workflow.name) : undefined;
    if (registered === undefined || registered.workflow !== workflow) {
      const name = isDefinedWorkflow(workflow) ? `"${workflow.name}"` : "given";
      throw new InvalidWorkflowError(`The workflow ${name} is not registered with this broker`);
    }
    const { where } = registered;
    if (typeof input !== "object" || input === null) {
      throw new InvalidWorkflowError(`${where}: the input must be an object`);
    }
    checkRunOptions(overrides, where);
    if (overrides?.idempotency !== undefined && idempotencyStore === undefined) {
      throw new InvalidWorkflowError(
        `${where}: it was given an idempotency key, but the broker has no idempotency store`,
      );
    }
    return registered;
  }

  async function execute(
    registration: Registration<Tx>,
    input: object,
    overrides: RunOptions | undefined,
    observer: RunObserver | undefined,
  ): Promise<WorkflowRun<object>> {
    const { workflow, transactional } = registration;
    // Stage 1: the options this run uses (the request was checked). Nothing has touched the database yet.
    const signal = overrides?.signal;
    const dryRun = overrides?.dryRun ?? false;
    const idempotency = overrides?.idempotency;
    // Resolved once, when the workflow was registered; again only for a run that overrides them.
    const options =
      overrides?.isolationLevel === undefined &&
      overrides?.timeout === undefined &&
      overrides?.maxWait === undefined &&
      overrides?.retry === undefined
        ? registration.options
        : resolveTransactionOptions([overrides, registration.options], registration.where);
    const aborted = () =>
      new WorkflowAbortedError({
        workflow: workflow.name,
        step: undefined,
        reason: signal?.reason,
      });
    if (signal?.aborted) throw aborted();

    // Made when a log line or the observer needs it: a UUID is most of a kilobyte.
    let runId: string | undefined;
    const idOfRun = () => (runId ??= randomUUID());
    if (observer !== undefined) observer.begin(idOfRun(), options);
    const runLogger = lazyChild(logger, () => ({ workflow: workflow.name, runId: idOfRun() }));
    const startedAt = performance.now();
    const timings: StepTiming[] = [];
    const recovered: RecoveredFailure[] = [];
    const logsDebug = logger.isLevelEnabled("debug");

    // Stage 2: the steps that come before the transaction, once, whatever the retries.
    let prepared: { available: object; result: object } = { available: input, result: {} };
    if (registration.beforeTransaction.length > 0)
      try {
        prepared = await runBeforeTransaction(
          {
            workflow,
            timings,
            recovered,
            savepoint,
            stepPrefix: "",
            refuseNestedRuns,
            logsDebug,
            steps: registration.beforeTransaction,
            available: input,
            result: {},
            attempt: 1,
            logger: lazyChild(runLogger, { attempt: 1 }),
            observer: observer?.beforeTransaction(),
          },
          options.timeout,
          signal,
        );
      } catch (error) {
        runLogger.warn(
          { outcome: outcomeOf(error), durationMs: elapsedMs(startedAt), err: error },
          "workflow failed before its transaction",
        );
        throw error;
      }

    // Stage 3: attempt the transaction, and re-attempt it after write conflicts.
    for (let attempt = 1; ; attempt++) {
      const attemptLogger = lazyChild(runLogger, { attempt });
      if (logsDebug) {
        attemptLogger.debug(
          { isolationLevel: options.isolationLevel, timeoutMs: options.timeout },
          "attempt started",
        );
      }
      const attemptObserver = observer?.attempt(attempt);
      try {
        // Every field written out: a literal that opens with a spread and goes on with
        // more keys cost V8 about 10 µs here, in a profile of createActivity.
        const output = await inContext(attemptObserver?.context, runAttempt, {
          workflow,
          timings,
          recovered,
          savepoint,
          stepPrefix: "",
          refuseNestedRuns,
          logsDebug,
          client,
          steps: transactional,
          available: prepared.available,
          result: prepared.result,
          options,
          attempt,
          logger: attemptLogger,
          signal,
          settlingInBackground,
          dryRun,
          idempotency:
            idempotency && idempotencyStore
              ? { store: idempotencyStore, key: idempotency }
              : undefined,
          observer: attemptObserver,
        });
        const durationMs = elapsedMs(startedAt);
        if (logger.isLevelEnabled("info")) {
          attemptLogger.info(
            {
              outcome: dryRun ? "dry-run-rolled-back" : "committed",
              attempts: attempt,
              durationMs,
            },
            dryRun ? "workflow dry run rolled back" : "workflow committed",
          );
        }
        return {
          output,
          attempts: attempt,
          durationMs,
          steps: timings,
          dryRun,
          replayed: false,
          recovered,
        };
      } catch (error) {
        if (error instanceof StoredMeanwhile) {
          attemptLogger.info(
            { outcome: "replayed", durationMs: elapsedMs(startedAt) },
            "idempotency key stored meanwhile by a concurrent run: rolled back, replaying it",
          );
          return replay(workflow, idempotency!, error.stored, startedAt);
        }
        const writeConflict = retryableConflict(error);
        // Stage 4: anything but a write conflict is final.
        if (writeConflict === undefined) {
          attemptLogger.warn(
            {
              outcome: outcomeOf(error),
              attempts: attempt,
              durationMs: elapsedMs(startedAt),
              err: error,
            },
            "workflow failed",
          );
          throw error;
        }
        if (attempt >= options.retry.maxAttempts) {
          const exhausted = new WorkflowRetriesExhaustedError({
            workflow: workflow.name,
            attempts: attempt,
            cause: writeConflict,
          });
          attemptLogger.warn(
            {
              outcome: "retries-exhausted",
              attempts: attempt,
              durationMs: elapsedMs(startedAt),
              err: exhausted,
            },
            "workflow failed",
          );
          throw exhausted;
        }
        // Stage 5: back off, then start over in a fresh transaction.
        const delayMs = backoffDelayMs(options.retry, attempt);
        observer?.retrying(delayMs, writeConflict);
        attemptLogger.info(
          { outcome: "write-conflict", delayMs, durationMs: elapsedMs(startedAt) },
          "write conflict: retrying",
        );
        try {
          await sleep(delayMs, undefined, { signal });
        } catch {
          // Aborted while waiting to retry: nothing is in flight, nothing was written.
          const error = aborted();
          attemptLogger.warn(
            { outcome: "aborted", attempts: attempt, err: error },
            "workflow failed",
          );
          throw error;
        }
      }
    }
  }

  /**
   * A run with an idempotency key: the stored result when the key has one (this process's
   * run in progress with the key is waited for first), otherwise a run that stores its
   * result in its transaction.
   */
  async function executeOnce(
    request: Registration<Tx>,
    input: object,
    options: RunOptions & { idempotency: IdempotencyKey },
    store: IdempotencyStore<Tx>,
    observer: RunObserver | undefined,
  ): Promise<WorkflowRun<object>> {
    const { workflow } = request;
    const { idempotency } = options;
    const slot = `${idempotency.caller}\u0000${idempotency.key}`;
    for (;;) {
      const earlier = runsByKey.get(slot);
      if (earlier === undefined) break;
      const startedAt = performance.now();
      const settled = await earlier.running.then(
        (run) => run,
        () => undefined,
      );
      // The first one failed and stored nothing: the key is free again, the next one runs.
      if (settled === undefined) continue;
      const { workflow: storedWorkflow, fingerprint } = earlier;
      const stored = { workflow: storedWorkflow, fingerprint, output: settled.output };
      return replay(workflow, idempotency, stored, startedAt);
    }
    const running = (async () => {
      const startedAt = performance.now();
      const stored = await store.find(idempotency);
      if (stored) return replay(workflow, idempotency, stored, startedAt);
      return execute(request, input, options, observer);
    })();
    const entry = { running, workflow: workflow.name, fingerprint: idempotency.fingerprint };
    runsByKey.set(slot, entry);
    const forget = () => {
      if (runsByKey.get(slot) === entry) runsByKey.delete(slot);
    };
    running.then(forget, forget);
    return running;
  }

  return {
    run<Input extends object, Result extends object>(
      workflow: Workflow<Tx, Input, Result>,
      input: NoInfer<Input>,
      options?: RunOptions,
    ): Promise<WorkflowRun<Result>> {
      let request: Registration<Tx>;
      try {
        refuseNestedRun(isDefinedWorkflow(workflow) ? workflow.name : "given");
        request = checkRequest(workflow as SomeWorkflow<Tx>, input, options);
      } catch (error) {
        return Promise.reject(error);
      }
      const observer = observeRun(
        workflow.name,
        options?.caller,
        config.tracer,
        config.onRunSettled,
      );
      const running = (
        options?.idempotency !== undefined && idempotencyStore !== undefined
          ? executeOnce(
              request,
              input,
              { ...options, idempotency: options.idempotency },
              idempotencyStore,
              observer,
            )
          : execute(request, input, options, observer)
      ) as Promise<WorkflowRun<Result>>;
      if (observer !== undefined) running.then(observer.committed, observer.failed);
      inFlight += 1;
      running.then(runSettled, runSettled);
      return running;
    },
    listWorkflows() {
      return [...registry.values()].map(({ workflow, options }) => ({
        name: workflow.name,
        steps: stepNames(workflow.steps),
        options: { ...options, retry: { ...options.retry } },
      }));
    },
    async drain() {
      while (inFlight > 0 || settling.size > 0) {
        await Promise.allSettled([noRunInFlight(), ...settling]);
      }
    },
    get inFlight() {
      return inFlight;
    },
  };
}

/**
 * The stored run of a repeated request, as the run it replays resolved, once it is known to
 * be that request: the same workflow, the same fingerprint (else IdempotencyKeyReusedError).
 */
function replay(
  workflow: { readonly name: string },
  key: IdempotencyKey,
  stored: StoredRun,
  startedAt: number,
): WorkflowRun<object> {
  if (stored.workflow !== workflow.name || stored.fingerprint !== key.fingerprint) {
    throw new IdempotencyKeyReusedError({
      workflow: workflow.name,
      storedWorkflow: stored.workflow,
    });
  }
  return {
    output: structuredClone(stored.output),
    attempts: 0,
    durationMs: elapsedMs(startedAt),
    steps: [],
    dryRun: false,
    replayed: true,
    recovered: [],
  };
}

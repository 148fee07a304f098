// Internal to the broker: one attempt of a run, in one transaction.
import type { Logger } from "pino";
import { lazyChild } from "./logger.js";
import {
  abortWhenCallerAborts,
  startDeadline,
  type Deadline,
  type StepProgress,
} from "./deadline.js";
import {
  BrokerError,
  TransactionStartTimeoutError,
  WorkflowAbortedError,
  WorkflowStepError,
  WorkflowTimeoutError,
} from "./errors.js";
import { elapsedMs } from "./clock.js";
import { toError } from "../support/toError.js";
import type { StageObserver } from "./runEvents.js";
import { inSpan } from "./tracing.js";
import { isTransactionApiError } from "./transactionErrors.js";
import { runAsSteps } from "./runGuard.js";
import type {
  IdempotencyKey,
  IdempotencyStore,
  ResolvedTransactionOptions,
  SavepointRunner,
  StepContext,
  StoredRun,
  TransactionRunner,
  UseCase,
} from "./types.js";
import { nestedWorkflowOf, type NestedWorkflow } from "./workflowStep.js";

/**
 * How much longer than the broker's own deadline Prisma's transaction timer runs. The
 * broker's deadline decides (no step starts after it, and the commit starts before it);
 * Prisma's timer only stops a commit or rollback that hangs.
 */
export const PRISMA_TIMEOUT_GRACE_MS = 1_000;

/** One step as it ran: for the run's timings. */
export interface StepTiming {
  /** The use case's name; a nested workflow's steps are named `nested > step`. */
  name: string;
  durationMs: number;
  attempt: number;
}

/** A nested workflow's failure that its `onFailure` recovered from (see workflowStep). */
export interface RecoveredFailure {
  /** The nested workflow's step (`nested > step`). */
  step: string;
  attempt: number;
  /** What failed: the step's error (a WorkflowStepError's cause). */
  error: Error;
}

/** Steps to run in order, from what is available to them and what the run has produced. */
export interface Stage<Tx> {
  workflow: { readonly name: string };
  steps: readonly UseCase<Tx, object, object>[];
  /** The run's input merged with the outputs of the steps before this stage. */
  available: object;
  /** The outputs of the steps before this stage (the run's result so far). */
  result: object;
  attempt: number;
  /** Bound to the run (workflow, run id). */
  logger: Logger;
  /** Each step that ran is appended, also when it failed. */
  timings: StepTiming[];
  /** What step names are prefixed with: "" at the top, `nested > ` in a nested workflow. */
  stepPrefix: string;
  /** Opens savepoints for nested workflows that may fail on their own. */
  savepoint: SavepointRunner<Tx>;
  /** Each nested workflow's failure that was recovered from is appended. */
  recovered: RecoveredFailure[];
  /** Told of each step and of the transaction's start, when the run is traced or reported. */
  observer?: StageObserver | undefined;
  /** Whether `logger` writes debug lines (a line per step, among others). */
  logsDebug: boolean;
  /** Whether a `broker.run` started by the steps is refused (BrokerConfig.refuseNestedRuns). */
  refuseNestedRuns: boolean;
}

/** One attempt to run the transactional steps: what it runs, with what, and where it reports. */
export interface Attempt<Tx> extends Stage<Tx> {
  client: TransactionRunner<Tx>;
  options: ResolvedTransactionOptions;
  /** The caller's signal: aborting it stops the attempt like its deadline does. */
  signal: AbortSignal | undefined;
  /**
   * Receives the transaction when the attempt rejects before it has settled (stopped by
   * its deadline or its caller while a statement is still rolling back), so that the
   * broker's drain can wait for it.
   */
  settlingInBackground(transaction: Promise<unknown>): void;
  /** Roll back instead of committing, and resolve with the result all the same. */
  dryRun: boolean;
  /** Where the result is stored, in the transaction, for repeats of the same request. */
  idempotency: { store: IdempotencyStore<Tx>; key: IdempotencyKey } | undefined;
}

/**
 * Thrown in place of committing: an idempotency key's result was stored by a concurrent
 * run while this one ran. This run rolls back; its caller gets the stored result.
 */
export class StoredMeanwhile {
  constructor(readonly stored: StoredRun) {}
}

/** Thrown in place of committing a dry run, so that the transaction rolls back. */
class DryRunRollback {
  constructor(readonly result: object) {}
}

/** Where a stage got to: the step its stop errors name, and the step in progress. */
export interface StageProgress extends StepProgress {
  /**
   * The use case in progress, until it ends. When the stage is stopped while it runs, the
   * stage records it as timed out and abandons it (see runStage).
   */
  running: RunningStep<unknown> | undefined;
}

/** Where an attempt got to; read when it fails, to tell what failed. */
interface Progress extends StageProgress {
  deadline: Deadline | undefined;
  /** Aborts when the attempt must stop: its deadline passed, or its caller aborted. */
  stop: AbortController;
  /** Set once the steps are done and the commit is under way: from then on the attempt cannot be stopped. */
  committing: boolean;
}

/**
 * Runs the workflow's steps in order in one transaction and resolves with the merge of
 * their outputs once it has committed. Rejects, having written nothing, with
 * WorkflowStepError, WorkflowTimeoutError, TransactionStartTimeoutError, or the database's
 * own error when the commit itself fails (a write conflict among them).
 */
export async function runAttempt<Tx>(attempt: Attempt<Tx>): Promise<object> {
  const { client, workflow, options, signal } = attempt;
  const progress: Progress = {
    deadline: undefined,
    step: attempt.steps[0]?.name,
    running: undefined,
    stop: new AbortController(),
    committing: false,
  };
  // The caller's abort stops the attempt, as its deadline does; both reach the runner, which
  // cancels the statement in flight, and the steps, through one signal.
  const detach = abortWhenCallerAborts(signal, progress.stop, workflow.name, progress);
  try {
    // Whatever $transaction resolves with has committed: that is a success, whatever the clock says.
    const transaction = client.$transaction(
      async (tx) => {
        attempt.observer?.transactionStarted();
        const deadline = startDeadline(options.timeout, progress.stop, workflow.name, progress);
        progress.deadline = deadline;
        const result = await runAsSteps(
          workflow.name,
          progress,
          () => runStage(attempt, tx, deadline, progress),
          attempt.refuseNestedRuns,
        );
        if (attempt.idempotency) {
          const { store, key } = attempt.idempotency;
          const stored = { workflow: workflow.name, fingerprint: key.fingerprint, output: result };
          const earlier = await store.save(tx, key, stored);
          if (earlier) throw new StoredMeanwhile(earlier);
          if (deadline.expired()) throw deadline.signal.reason;
        }
        progress.committing = true;
        if (attempt.dryRun) throw new DryRunRollback(result);
        return result;
      },
      {
        isolationLevel: options.isolationLevel,
        timeout: options.timeout + PRISMA_TIMEOUT_GRACE_MS,
        maxWait: options.maxWait,
        signal: progress.stop.signal,
      },
    );
    return await settledOrStopped(transaction, progress, attempt);
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result;
    if (error instanceof StoredMeanwhile) throw error;
    throw explainFailure(error, attempt, progress);
  } finally {
    detach();
    progress.deadline?.dispose();
  }
}

/**
 * Settles like `transaction`, or, when the attempt is stopped before its commit began,
 * rejects at once with the reason: the steps have been abandoned, so the transaction can
 * only roll back, and the caller need not wait while the runner cancels the statement in
 * flight (or, where it cannot, lets it finish). Once the commit is under way it waits:
 * a commit that succeeds is a success.
 */
function settledOrStopped<R, Tx>(
  transaction: Promise<R>,
  progress: Progress,
  attempt: Attempt<Tx>,
): Promise<R> {
  const { signal } = progress.stop;
  return new Promise<R>((resolve, reject) => {
    const onStop = () => {
      if (progress.committing) return;
      attempt.settlingInBackground(transaction.catch(() => {}));
      reject(signal.reason);
    };
    if (signal.aborted) onStop();
    else signal.addEventListener("abort", onStop, { once: true });
    transaction.then(
      (value) => {
        signal.removeEventListener("abort", onStop);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onStop);
        reject(error);
      },
    );
  });
}

/**
 * Runs `stage`'s steps (runSteps) and settles like them, unless the deadline passes or the
 * caller aborts first: then it rejects at once with the reason, having recorded the step in
 * progress as timed out, and abandons that step (whatever it does next is consumed and
 * ignored). In a transaction, the rollback then starts without waiting for the step.
 *
 * One race for the whole stage, not one per step: the stop is the same for every step,
 * and a promise and an abort race per step cost a run more than its bookkeeping.
 */
export async function runStage<Tx>(
  stage: Stage<Tx>,
  tx: Tx | undefined,
  deadline: Deadline,
  progress: StageProgress,
): Promise<object> {
  try {
    return await deadline.run(() => runSteps(stage, tx, deadline, progress));
  } catch (error) {
    const abandoned = progress.running;
    if (abandoned !== undefined && deadline.signal.aborted) {
      progress.running = undefined;
      stepEnded(abandoned, "timed-out");
    }
    throw error;
  }
}

/**
 * Runs `stage`'s steps in order and resolves with the run's result so far (the stage's
 * starting result merged with each step's output). `tx` is the transaction the steps get;
 * undefined for the steps that run before it (which get no `tx` at all). Stopping it at
 * the deadline is runStage's work; here, no step starts after the deadline.
 */
async function runSteps<Tx>(
  stage: Stage<Tx>,
  tx: Tx | undefined,
  deadline: Deadline,
  progress: StageProgress,
): Promise<object> {
  let available: object = { ...stage.available };
  // Only this function sees `result` until it returns it: outputs are merged into it in place.
  const result: object = { ...stage.result };
  for (const step of stage.steps) {
    // Stage 1: no step starts after the deadline.
    const name = stage.stepPrefix + step.name;
    progress.step = name;
    if (deadline.expired()) throw deadline.signal.reason;

    // Stage 2: run the step (a use case, or a nested workflow's steps), then pass its output on.
    const nested = nestedWorkflowOf(step);
    const output =
      nested === undefined
        ? await runUseCase(stage, step, name, available, tx, deadline, progress)
        : await runNestedWorkflow(stage, nested, name, available, tx, deadline, progress);
    // A new object for the next step: the steps before it keep the input they were given.
    available = { ...available, ...output };
    Object.assign(result, output);
  }

  // Stage 3: end only before the deadline (for the transaction: commit only then).
  progress.step = undefined;
  if (deadline.expired()) throw deadline.signal.reason;
  return result;
}

/** Runs one use case; resolves with its output, checked. */
async function runUseCase<Tx>(
  stage: Stage<Tx>,
  step: UseCase<Tx, object, object>,
  name: string,
  input: object,
  tx: Tx | undefined,
  deadline: Deadline,
  progress: StageProgress,
): Promise<object> {
  const { workflow, attempt } = stage;
  const logger = lazyChild(stage.logger, { step: name });
  // One literal, `tx` first when there is one, no getters, no spread: a literal that opens
  // with a spread and goes on with more keys took V8 2 µs a step to build, one with a
  // getter ten times the memory (a property map of its own). Not frozen (its type is
  // read-only): each step gets its own, and freezing it was a runtime call per step.
  const signal = deadline.signal;
  const context = (
    tx === undefined
      ? { signal, workflow: workflow.name, step: name, attempt, logger }
      : { tx, signal, workflow: workflow.name, step: name, attempt, logger }
  ) as StepContext<Tx>;
  const startedAt = performance.now();
  const span = stage.observer?.stepStarted(name, attempt);
  const running: RunningStep<Tx> = { stage, name, attempt, startedAt, span, logger };
  progress.running = running as RunningStep<unknown>;
  let output: unknown;
  try {
    output = await (span === undefined
      ? step.run(input, context)
      : inSpan(span, callStep, step, input, context));
  } catch (thrown) {
    // Abandoned when the stage was stopped (runStage recorded it): what it did next is moot.
    if (progress.running !== running) throw thrown;
    progress.running = undefined;
    // It failed because the run was stopped (its statement cancelled, say): a timeout.
    if (signal.aborted) {
      stepEnded(running, "timed-out");
      throw thrown;
    }
    throw stepFailed(running, toError(thrown));
  }
  if (progress.running !== running) return {};
  progress.running = undefined;
  if (!isOutput(output)) {
    throw stepFailed(
      running,
      new Error(`The use case returned ${describeOutput(output)} instead of an object`),
    );
  }
  stepEnded(running, "succeeded");
  return output;
}

/** A step as it runs, for stepEnded and stepFailed. */
interface RunningStep<Tx> {
  stage: Stage<Tx>;
  name: string;
  attempt: number;
  startedAt: number;
  span: ReturnType<NonNullable<StageObserver["stepStarted"]>> | undefined;
  logger: Logger;
}

/** Records how a step ended: its timing, its span or report, and a debug line. */
function stepEnded<Tx>(
  { stage, name, attempt, startedAt, span, logger }: RunningStep<Tx>,
  outcome: "succeeded" | "failed" | "timed-out",
  error?: unknown,
): void {
  const durationMs = elapsedMs(startedAt);
  stage.timings.push({ name, durationMs, attempt });
  stage.observer?.stepEnded(span, name, attempt, outcome, startedAt, durationMs, error);
  if (stage.logsDebug) {
    logger.debug(
      { durationMs, outcome, ...(error === undefined ? {} : { err: error }) },
      `step ${outcome}`,
    );
  }
}

/** Records a step's failure; returns the WorkflowStepError the run fails with. */
function stepFailed<Tx>(step: RunningStep<Tx>, cause: Error): WorkflowStepError {
  stepEnded(step, "failed", cause);
  const { stage, name, attempt } = step;
  return new WorkflowStepError({ workflow: stage.workflow.name, step: name, attempt, cause });
}

/**
 * Runs a nested workflow's steps in the run's transaction; in a savepoint when it has an
 * `onFailure`, whose result then replaces the nested workflow's when one of its steps fails.
 */
async function runNestedWorkflow<Tx>(
  stage: Stage<Tx>,
  nested: NestedWorkflow,
  name: string,
  input: object,
  tx: Tx | undefined,
  deadline: Deadline,
  progress: StageProgress,
): Promise<object> {
  if (tx === undefined) throw new Error(`The nested workflow "${name}" needs a transaction`);
  const inner = (innerTx: Tx) =>
    runSteps(
      {
        ...stage,
        steps: nested.workflow.steps as UseCase<Tx, object, object>[],
        available: input,
        result: {},
        stepPrefix: `${name} > `,
      },
      innerTx,
      deadline,
      progress,
    );
  const { onFailure } = nested;
  if (onFailure === undefined) return inner(tx);
  try {
    return await stage.savepoint(tx, inner);
  } catch (error) {
    if (deadline.signal.aborted || !(error instanceof WorkflowStepError)) throw error;
    // Its writes are rolled back to the savepoint; the run goes on with the fallback's result.
    stage.recovered.push({ step: error.step, attempt: stage.attempt, error: error.cause });
    stage.logger.warn(
      { step: error.step, err: error.cause },
      `nested workflow failed and was rolled back to its savepoint; recovered by onFailure`,
    );
    const failed = (cause: Error) =>
      new WorkflowStepError({
        workflow: stage.workflow.name,
        step: name,
        attempt: stage.attempt,
        cause,
      });
    let fallback: unknown;
    try {
      fallback = await onFailure(error, input);
    } catch (thrown) {
      throw failed(toError(thrown));
    }
    if (!isOutput(fallback)) {
      throw failed(
        new Error(`onFailure returned ${describeOutput(fallback)} instead of an object`),
      );
    }
    return fallback;
  }
}

function isOutput(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Calls the use case (in its span, see inSpan). */
function callStep<Tx>(
  step: UseCase<Tx, object, object>,
  input: object,
  context: StepContext<Tx>,
): unknown {
  return step.run(input, context);
}

/** The error a failed attempt rejects with, telling the truth about what happened. */
function explainFailure<Tx>(error: unknown, attempt: Attempt<Tx>, progress: Progress): unknown {
  const { workflow, options } = attempt;
  // It was stopped (deadline or caller): whatever failed after that failed because of it.
  const stopped: unknown = progress.stop.signal.reason;
  if (stopped instanceof WorkflowAbortedError) return stopped;
  if (stopped instanceof WorkflowTimeoutError && progress.deadline !== undefined) return stopped;
  // The callback never ran: the transaction did not start.
  if (progress.deadline === undefined) {
    return isTransactionApiError(error)
      ? new TransactionStartTimeoutError({
          workflow: workflow.name,
          maxWaitMs: options.maxWait,
          cause: error,
        })
      : error;
  }
  // Prisma expired the transaction under a step (its timer is a backstop behind the deadline).
  if (error instanceof WorkflowStepError && isTransactionApiError(error.cause)) {
    return new WorkflowTimeoutError({
      workflow: workflow.name,
      step: error.step,
      timeoutMs: options.timeout,
      cause: error.cause,
    });
  }
  if (error instanceof BrokerError) return error;
  // The commit ran out of time.
  if (isTransactionApiError(error)) {
    return new WorkflowTimeoutError({
      workflow: workflow.name,
      step: undefined,
      timeoutMs: options.timeout,
      cause: error,
    });
  }
  return error;
}

function describeOutput(output: unknown): string {
  if (output === null) return "null";
  if (Array.isArray(output)) return "an array";
  return typeof output === "undefined" ? "nothing" : `a ${typeof output}`;
}

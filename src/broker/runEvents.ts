// Internal to the broker: what it tells the outside about each run (a report when the
// run settles, and, given a Tracer, spans of the run, its attempts and its steps).
// Import the types from ./index.js.
import { type Context, type Span, type Tracer } from "@opentelemetry/api";
import { elapsedMs } from "./clock.js";
import {
  TransactionStartTimeoutError,
  WorkflowAbortedError,
  WorkflowRetriesExhaustedError,
  WorkflowTimeoutError,
} from "./errors.js";
import { contextOf, endSpan, SPAN_ATTRIBUTES as A, startSpan } from "./tracing.js";
import type { IsolationLevel, ResolvedTransactionOptions } from "./types.js";

/** How a run ended. */
export type RunOutcome =
  | "committed"
  | "dry-run"
  | "failed"
  | "timed-out"
  | "aborted"
  | "start-timed-out"
  | "retries-exhausted";

/** How a step ended: `timed-out` also when the run was aborted while it ran. */
export type StepOutcome = "succeeded" | "failed" | "timed-out";

/** One step as it ran, on one attempt. */
export interface StepReport {
  name: string;
  attempt: number;
  outcome: StepOutcome;
  /** Milliseconds from the run's start to the step's. */
  startMs: number;
  durationMs: number;
}

/** A settled run, as the broker's `onRunSettled` receives it. */
export interface RunReport {
  /** The id its log lines carry. */
  runId: string;
  workflow: string;
  outcome: RunOutcome;
  /** The `code` of the error it rejected with, when it has one (a BrokerError's). */
  errorCode: string | undefined;
  startedAt: Date;
  /** From the call to `run` until it settled, retries and back-off included. */
  durationMs: number;
  isolationLevel: IsolationLevel;
  /** Transactions attempted: 0 when it failed before its transaction, 2 after one retry, ... */
  attempts: number;
  /** For each attempt whose transaction started: milliseconds it waited to start. */
  transactionStartWaitsMs: number[];
  /** Every step that ran, in order, on every attempt. */
  steps: StepReport[];
  /** The OpenTelemetry trace the run's spans belong to, when it was traced. */
  traceId: string | undefined;
  /** Who asked for the run (RunOptions.caller), if the caller said. */
  caller: string | undefined;
}

/** Receives each run's report once it has settled (committed or failed). */
export type RunListener = (report: RunReport) => void;

/** What the run loop tells about one stage (the steps before the transaction, or one attempt). */
export interface StageObserver {
  /** The attempt's span context, when traced: the transaction starts in it. */
  readonly context: Context | undefined;
  /** A step starts: its span (under the stage's) when traced. */
  stepStarted(step: string, attempt: number): Span | undefined;
  /** A step ended; `startedAt` is its `performance.now()` at the start. */
  stepEnded(
    span: Span | undefined,
    step: string,
    attempt: number,
    outcome: StepOutcome,
    startedAt: number,
    durationMs: number,
    error?: unknown,
  ): void;
  /** The attempt's transaction started (its callback runs). */
  transactionStarted(): void;
}

/** What the run loop tells about one run; made only when someone listens or traces. */
export interface RunObserver {
  /** The run passed its checks and starts. */
  begin(runId: string, options: ResolvedTransactionOptions): void;
  /** The steps that come before the transaction. */
  beforeTransaction(): StageObserver;
  /** Attempt `attempt` starts. */
  attempt(attempt: number): StageObserver;
  /** The attempt hit a write conflict; the next starts after `delayMs`. */
  retrying(delayMs: number, conflict: unknown): void;
  /** The run committed; or, for a dry run, ran every step and rolled back. */
  committed(run: { dryRun: boolean }): void;
  /** The run rejected with `error`. */
  failed(error: unknown): void;
}

/** The outcome of a run that rejected with `error`. */
export function runOutcomeOf(error: unknown): Exclude<RunOutcome, "committed" | "dry-run"> {
  if (error instanceof WorkflowTimeoutError) return "timed-out";
  if (error instanceof WorkflowAbortedError) return "aborted";
  if (error instanceof TransactionStartTimeoutError) return "start-timed-out";
  if (error instanceof WorkflowRetriesExhaustedError) return "retries-exhausted";
  return "failed";
}

/**
 * An observer for one run of `workflow`, or undefined when there is neither a tracer nor
 * a listener: the run loop then does no work for either.
 */
export function observeRun(
  workflow: string,
  caller: string | undefined,
  tracer: Tracer | undefined,
  listener: RunListener | undefined,
): RunObserver | undefined {
  if (tracer === undefined && listener === undefined) return undefined;
  const startedAt = performance.now();
  let runId = "";
  let isolationLevel: IsolationLevel = "ReadCommitted";
  let timeoutMs = 0;
  let begun = false;
  let attempts = 0;
  let attemptStartedAt = 0;
  const steps: StepReport[] = [];
  const transactionStartWaitsMs: number[] = [];
  let runSpan: Span | undefined;
  let runContext: Context | undefined;
  let attemptSpan: Span | undefined;

  const stage = (context: Context | undefined): StageObserver => ({
    context,
    stepStarted(step, attempt) {
      if (tracer === undefined) return undefined;
      return startSpan(tracer, `step ${step}`, { [A.step]: step, [A.attempt]: attempt }, context);
    },
    stepEnded(span, step, attempt, outcome, stepStartedAt, durationMs, error) {
      steps.push({ name: step, attempt, outcome, startMs: stepStartedAt - startedAt, durationMs });
      if (span === undefined) return;
      span.setAttribute(A.stepDurationMs, durationMs);
      endSpan(span, A.stepOutcome, outcome, outcome === "succeeded", error);
    },
    transactionStarted() {
      const waitMs = elapsedMs(attemptStartedAt);
      transactionStartWaitsMs.push(waitMs);
      attemptSpan?.addEvent("transaction started", { "workflow.start_wait_ms": waitMs });
    },
  });

  function settle(outcome: RunOutcome, error?: unknown): void {
    if (!begun) return; // rejected by its checks: no run happened
    begun = false;
    const durationMs = elapsedMs(startedAt);
    const ok = outcome === "committed" || outcome === "dry-run";
    const errorCode = errorCodeOf(error);
    if (error instanceof WorkflowTimeoutError) {
      (attemptSpan ?? runSpan)?.addEvent("deadline passed", {
        [A.timeoutMs]: error.timeoutMs,
        ...(error.step !== undefined && { [A.step]: error.step }),
      });
    }
    if (attemptSpan !== undefined) {
      endSpan(attemptSpan, A.outcome, outcome, ok, error);
      attemptSpan = undefined;
    }
    let traceId: string | undefined;
    if (runSpan !== undefined) {
      traceId = runSpan.spanContext().traceId;
      runSpan.setAttribute(A.attempts, attempts);
      if (errorCode !== undefined) runSpan.setAttribute(A.errorCode, errorCode);
      endSpan(runSpan, A.outcome, outcome, ok, error);
    }
    if (listener === undefined) return;
    const report: RunReport = {
      runId,
      workflow,
      outcome,
      errorCode,
      startedAt: new Date(performance.timeOrigin + startedAt),
      durationMs,
      isolationLevel,
      attempts,
      transactionStartWaitsMs,
      steps,
      traceId,
      caller,
    };
    try {
      listener(report);
    } catch {
      // A listener's failure is its own: the run's outcome stands.
    }
  }

  return {
    begin(id, options) {
      begun = true;
      runId = id;
      isolationLevel = options.isolationLevel;
      timeoutMs = options.timeout;
      if (tracer === undefined) return;
      runSpan = startSpan(tracer, `workflow ${workflow}`, {
        [A.workflow]: workflow,
        [A.runId]: id,
        [A.isolationLevel]: isolationLevel,
        [A.timeoutMs]: timeoutMs,
      });
      runContext = contextOf(runSpan);
    },
    beforeTransaction: () => stage(runContext),
    attempt(attempt) {
      attempts = attempt;
      attemptStartedAt = performance.now();
      if (tracer === undefined) return stage(undefined);
      attemptSpan = startSpan(
        tracer,
        `workflow ${workflow} attempt`,
        { [A.workflow]: workflow, [A.attempt]: attempt, [A.isolationLevel]: isolationLevel },
        runContext,
      );
      return stage(contextOf(attemptSpan, runContext));
    },
    retrying(delayMs, conflict) {
      if (attemptSpan !== undefined) {
        endSpan(attemptSpan, A.outcome, "write-conflict", false, conflict);
        attemptSpan = undefined;
      }
      runSpan?.addEvent("retrying after a write conflict", {
        [A.attempt]: attempts,
        "workflow.retry_delay_ms": delayMs,
      });
    },
    committed: (run) => settle(run.dryRun ? "dry-run" : "committed"),
    failed: (error) => settle(runOutcomeOf(error), error),
  };
}

function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

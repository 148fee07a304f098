// Internal to the broker: OpenTelemetry spans of runs, attempts and steps. Only
// `@opentelemetry/api` is used: whoever creates the broker brings the SDK (or none).
import {
  context as otelContext,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from "@opentelemetry/api";

/** Attribute names of the broker's spans, in one place for the spans and their tests. */
export const SPAN_ATTRIBUTES = Object.freeze({
  workflow: "workflow.name",
  runId: "workflow.run_id",
  isolationLevel: "workflow.isolation_level",
  timeoutMs: "workflow.timeout_ms",
  attempt: "workflow.attempt",
  attempts: "workflow.attempts",
  outcome: "workflow.outcome",
  step: "workflow.step",
  stepOutcome: "workflow.step.outcome",
  stepDurationMs: "workflow.step.duration_ms",
  errorCode: "workflow.error_code",
});

/** Starts a span under `parent` (the active context when none is given). */
export function startSpan(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  parent: Context = otelContext.active(),
): Span {
  return tracer.startSpan(name, { attributes }, parent);
}

/** The context in which `span` is the active span, from `parent`'s. */
export function contextOf(span: Span, parent: Context = otelContext.active()): Context {
  return trace.setSpan(parent, span);
}

/**
 * `fn(arg)`, in `context` when there is one (a traced run); without one, just `fn(arg)`:
 * no work for an untraced run.
 */
export function inContext<A, R>(context: Context | undefined, fn: (arg: A) => R, arg: A): R {
  return context === undefined ? fn(arg) : otelContext.with(context, fn, undefined, arg);
}

/**
 * Calls `fn(...args)` with `span` active, so that spans made inside (Prisma's SQL spans)
 * nest under it.
 */
export function inSpan<A extends unknown[], R>(span: Span, fn: (...args: A) => R, ...args: A): R {
  return otelContext.with(contextOf(span), fn, undefined, ...args);
}

/**
 * Ends `span` with `outcome`: OK for a success, ERROR (with the exception recorded) for
 * anything else.
 */
export function endSpan(
  span: Span,
  outcomeAttribute: string,
  outcome: string,
  ok: boolean,
  error?: unknown,
): void {
  span.setAttribute(outcomeAttribute, outcome);
  if (ok) {
    span.setStatus({ code: SpanStatusCode.OK });
  } else {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : outcome,
    });
  }
  span.end();
}

// Internal to the broker: its errors. Import them from ./index.js.

import { CodedError, type BrokerErrorCode } from "../errors/index.js";

/**
 * Base of every error the broker throws. `code` and `name` are stable; `instanceof
 * BrokerError` tells the broker's failures from anything else. A run that rejects with a
 * BrokerError other than InvalidWorkflowError wrote nothing: its transaction was rolled back
 * or never started.
 */
export abstract class BrokerError extends CodedError<BrokerErrorCode> {}

/**
 * A use case threw (or returned something that is not an object). The transaction was
 * rolled back. `cause` is what it threw, wrapped in an Error when it was not one (the
 * wrapper's own `cause` then holds the thrown value).
 */
export class WorkflowStepError extends BrokerError {
  override readonly name = "WorkflowStepError";
  readonly code = "WORKFLOW_STEP_FAILED";
  readonly workflow: string;
  readonly step: string;
  readonly attempt: number;
  declare readonly cause: Error;

  constructor(details: { workflow: string; step: string; attempt: number; cause: Error }) {
    super(
      `Workflow "${details.workflow}" failed in step "${details.step}" (attempt ${details.attempt}): ${details.cause.message}`,
      { cause: details.cause },
    );
    this.workflow = details.workflow;
    this.step = details.step;
    this.attempt = details.attempt;
  }
}

/**
 * The run's deadline (its timeout, counted from the transaction's start) passed before
 * it committed. No step started after the deadline, and nothing was written. `step` names
 * the step that was running or about to start; it is undefined when the deadline passed
 * during the commit.
 */
export class WorkflowTimeoutError extends BrokerError {
  override readonly name = "WorkflowTimeoutError";
  readonly code = "WORKFLOW_TIMEOUT";
  readonly workflow: string;
  readonly step: string | undefined;
  readonly timeoutMs: number;

  constructor(details: {
    workflow: string;
    step: string | undefined;
    timeoutMs: number;
    cause?: unknown;
  }) {
    const where = details.step === undefined ? "before it committed" : `in step "${details.step}"`;
    super(
      `Workflow "${details.workflow}" timed out ${where}: its ${details.timeoutMs} ms deadline passed`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.workflow = details.workflow;
    this.step = details.step;
    this.timeoutMs = details.timeoutMs;
  }
}

/**
 * The transaction could not start within `maxWaitMs` (every connection busy; on the
 * embedded database, another transaction still open). No step ran.
 */
export class TransactionStartTimeoutError extends BrokerError {
  override readonly name = "TransactionStartTimeoutError";
  readonly code = "TRANSACTION_START_TIMEOUT";
  readonly workflow: string;
  readonly maxWaitMs: number;

  constructor(details: { workflow: string; maxWaitMs: number; cause: unknown }) {
    super(
      `Workflow "${details.workflow}" could not start its transaction within ${details.maxWaitMs} ms`,
      { cause: details.cause },
    );
    this.workflow = details.workflow;
    this.maxWaitMs = details.maxWaitMs;
  }
}

/**
 * Every attempt the retry policy allowed hit a write conflict or deadlock. Each attempt
 * was rolled back. `cause` is the last conflict: the error a step threw, or the database's
 * error at commit.
 */
export class WorkflowRetriesExhaustedError extends BrokerError {
  override readonly name = "WorkflowRetriesExhaustedError";
  readonly code = "WORKFLOW_RETRIES_EXHAUSTED";
  readonly workflow: string;
  readonly attempts: number;

  constructor(details: { workflow: string; attempts: number; cause: unknown }) {
    super(
      `Workflow "${details.workflow}" hit a write conflict on each of its ${details.attempts} attempts`,
      { cause: details.cause },
    );
    this.workflow = details.workflow;
    this.attempts = details.attempts;
  }
}

/**
 * The run's caller aborted it (its `signal`) before it committed: no step started after
 * that, the statement in flight was cancelled and the transaction rolled back, so nothing
 * was written. `step` names the step that was running or about to start; undefined when
 * the run was aborted before its transaction started or while it waited to retry.
 */
export class WorkflowAbortedError extends BrokerError {
  override readonly name = "WorkflowAbortedError";
  readonly code = "WORKFLOW_ABORTED";
  readonly workflow: string;
  readonly step: string | undefined;

  constructor(details: { workflow: string; step: string | undefined; reason?: unknown }) {
    const where = details.step === undefined ? "" : ` in step "${details.step}"`;
    super(
      `Workflow "${details.workflow}" was aborted by its caller${where} before it committed`,
      details.reason === undefined ? undefined : { cause: details.reason },
    );
    this.workflow = details.workflow;
    this.step = details.step;
  }
}

/**
 * A workflow, use case, option or run request is not valid: empty or malformed step list,
 * timeout or maxWait not a positive whole number, unknown isolation level, bad retry
 * numbers, unknown option, duplicate workflow name, or a workflow this broker does not
 * know. Always thrown before any transaction starts.
 */
export class InvalidWorkflowError extends BrokerError {
  override readonly name = "InvalidWorkflowError";
  readonly code = "INVALID_WORKFLOW";
}

/**
 * `broker.run` was called inside a step of a running workflow. That run would have its own
 * transaction, committing (or not) behind the enclosing workflow's back; refused before it
 * started anything. Make the inner workflow a step of the outer one with `workflowStep`.
 */
export class NestedRunError extends BrokerError {
  override readonly name = "NestedRunError";
  readonly code = "NESTED_RUN_REFUSED";
  readonly workflow: string;
  readonly enclosingWorkflow: string;
  readonly enclosingStep: string | undefined;

  constructor(details: {
    workflow: string;
    enclosingWorkflow: string;
    enclosingStep: string | undefined;
  }) {
    const where =
      details.enclosingStep === undefined
        ? `workflow "${details.enclosingWorkflow}"`
        : `step "${details.enclosingStep}" of workflow "${details.enclosingWorkflow}"`;
    super(
      `broker.run("${details.workflow}") was called inside ${where}: its transaction would ` +
        `commit on its own, behind "${details.enclosingWorkflow}"'s back. Make ` +
        `"${details.workflow}" a step of "${details.enclosingWorkflow}" with workflowStep() instead.`,
    );
    this.workflow = details.workflow;
    this.enclosingWorkflow = details.enclosingWorkflow;
    this.enclosingStep = details.enclosingStep;
  }
}

/**
 * A run was given an idempotency key that a stored run of another request holds (another
 * fingerprint, or another workflow). Nothing ran: a key names one request, never two.
 */
export class IdempotencyKeyReusedError extends BrokerError {
  override readonly name = "IdempotencyKeyReusedError";
  readonly code = "IDEMPOTENCY_KEY_REUSED";
  readonly workflow: string;

  constructor(details: { workflow: string; storedWorkflow: string }) {
    super(
      details.storedWorkflow === details.workflow
        ? `This idempotency key was used for a different ${details.workflow} request: ` +
            "use a new key for a new request"
        : `This idempotency key was used for a ${details.storedWorkflow} request, not ` +
            `${details.workflow}: use a new key for a new request`,
    );
    this.workflow = details.workflow;
  }
}

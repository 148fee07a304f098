/**
 * The broker: runs named workflows, each a list of use cases executed in order in one
 * database transaction, with typed chaining of their inputs and outputs, isolation levels,
 * deadlines, retries after write conflicts, and structured logs.
 *
 * It is generic: it knows nothing of GraphQL, HTTP or the activity domain, and needs from
 * the database client only an interactive `$transaction` (see TransactionRunner).
 * This file is its only entry point; every other file under src/broker is internal.
 */
export type {
  BeforeTransactionContext,
  IdempotencyKey,
  IdempotencyStore,
  IsolationLevel,
  RunOptions,
  SavepointRunner,
  StepContext,
  StoredRun,
  TransactionOptions,
  TransactionRunner,
  UseCase,
} from "./types.js";
export type { StepInputError, ValidatedSteps } from "./chaining.js";
export { defineUseCase } from "./useCase.js";
export { workflowStep, type WorkflowStepOptions } from "./workflowStep.js";
export type { RecoveredFailure, StepTiming } from "./runAttempt.js";
export {
  defineWorkflow,
  type Workflow,
  type WorkflowInput,
  type WorkflowResult,
} from "./workflow.js";
export { createBroker, type Broker, type WorkflowDescription, type WorkflowRun } from "./broker.js";
export {
  BrokerError,
  IdempotencyKeyReusedError,
  InvalidWorkflowError,
  NestedRunError,
  TransactionStartTimeoutError,
  WorkflowAbortedError,
  WorkflowRetriesExhaustedError,
  WorkflowStepError,
  WorkflowTimeoutError,
} from "./errors.js";
export { BUILT_IN_DEFAULTS } from "./options.js";
export type { RunListener, RunOutcome, RunReport, StepOutcome, StepReport } from "./runEvents.js";
export { SPAN_ATTRIBUTES as WORKFLOW_SPAN_ATTRIBUTES } from "./tracing.js";
export { backoffDelayMs } from "./backoff.js";
export { asyncLocalStorageIsCheap } from "./runGuard.js";

/**
 * The GraphQL machinery the features build on: the request context (who is calling),
 * the input rules with their messages, the one place errors become what clients see,
 * the cost limits checked before a query runs, and the workflows' own query. It knows no
 * feature: features register what it needs to know (their fields' labels).
 */
// type-graphql reads the decorators' metadata through it: loaded before any decorated class.
import "reflect-metadata";
export {
  createRequestContext,
  type RequestContext,
  type ResponseNotes,
  type SessionLookup,
  type Viewer,
  type ViewerAccount,
  type ViewerWithAccount,
} from "./context.js";
export {
  DryRunArg,
  IdempotencyKeyUnsupportedError,
  responseExtensions,
  runWorkflow,
  type WorkflowCall,
} from "./runWorkflow.js";
export { createErrorFormatter, httpStatusFromErrors } from "./formatError.js";
export { createQueryLimiter, type QueryLimiter, type QueryLimits } from "./queryLimits.js";
export {
  AtLeast,
  AtMost,
  CleanText,
  DateBetween,
  DESCRIPTION_MAX_LENGTH,
  MaxText,
  MinText,
  NotBlank,
  registerFieldLabels,
  rule,
  TEXT_MAX_LENGTH,
  validateArgument,
} from "./validation.js";
export { WorkflowResolver } from "./workflow.resolver.js";
export { IsolationLevelEnum } from "./workflow.type.js";

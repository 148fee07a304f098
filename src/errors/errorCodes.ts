/**
 * Every `extensions.code` a client can see. Clients switch on these, so they are a closed
 * set: add one here (and document it in the README) before any code can send it.
 */
export const ErrorCode = {
  /** Input failed validation before any transaction opened; `extensions.field` names the field. */
  BAD_USER_INPUT: "BAD_USER_INPUT",
  /** The operation needs a valid, unexpired, unrevoked session token. */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /** registerUser: an account with this e-mail exists. */
  EMAIL_TAKEN: "EMAIL_TAKEN",
  /** login: unknown e-mail or wrong password (deliberately indistinguishable). */
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  /** A workflow step failed; `extensions.workflow` and `extensions.step` say where. Nothing was written. */
  WORKFLOW_STEP_FAILED: "WORKFLOW_STEP_FAILED",
  /** A workflow ran past its deadline and was rolled back. Nothing was written. */
  WORKFLOW_TIMEOUT: "WORKFLOW_TIMEOUT",
  /** The database was too busy (no connection in time, or conflicts persisted). Safe to retry. */
  SERVICE_BUSY: "SERVICE_BUSY",
  /** The database cannot be reached right now (or the server is shutting down); nothing was written. Safe to retry. HTTP 503. */
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  /** Too many attempts (sign-in, sign-up); `extensions.retryAfterSeconds` says when to retry. HTTP 429. */
  RATE_LIMITED: "RATE_LIMITED",
  /**
   * The Idempotency-Key was already used for a different request (other operation or
   * variables). Nothing ran. HTTP 422. Use a new key for a new request.
   */
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  /**
   * This mutation takes no Idempotency-Key: its result holds a session token, which the
   * server never stores. Nothing ran. HTTP 400. Send it without the header.
   */
  IDEMPOTENCY_KEY_UNSUPPORTED: "IDEMPOTENCY_KEY_UNSUPPORTED",
  /** The client went away before its workflow committed; it was rolled back. Nothing was written. */
  REQUEST_ABORTED: "REQUEST_ABORTED",
  /** The GraphQL document is invalid (unknown field, wrong literal type). */
  GRAPHQL_VALIDATION_FAILED: "GRAPHQL_VALIDATION_FAILED",
  /** The request could not be parsed as GraphQL. */
  GRAPHQL_PARSE_FAILED: "GRAPHQL_PARSE_FAILED",
  /** A malformed HTTP request (bad JSON body, missing query, CSRF preflight). */
  BAD_REQUEST: "BAD_REQUEST",
  /** Introspection is disabled in production. */
  INTROSPECTION_DISABLED: "INTROSPECTION_DISABLED",
  /** The query nests selections deeper than Apollo Server allows. */
  MAX_RECURSIVE_SELECTIONS_EXCEEDED: "MAX_RECURSIVE_SELECTIONS_EXCEEDED",
  /** The request named an operation the document does not contain. */
  OPERATION_RESOLUTION_FAILURE: "OPERATION_RESOLUTION_FAILURE",
  /** Automatic persisted queries: the hash is unknown; resend with the query. */
  PERSISTED_QUERY_NOT_FOUND: "PERSISTED_QUERY_NOT_FOUND",
  /** Automatic persisted queries are not supported by this server. */
  PERSISTED_QUERY_NOT_SUPPORTED: "PERSISTED_QUERY_NOT_SUPPORTED",
  /** Anything unexpected; details are logged, never sent in production. */
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/**
 * The codes of the machinery's own errors (the broker's and the outbox's), and what a
 * client is shown for each (formatError.ts): the code itself where it is also in
 * {@link ErrorCode}, another one where the client needs less detail, none for the outbox's,
 * whose errors happen after the request has been answered and are only logged.
 */
export const INTERNAL_ERROR_CODES = {
  WORKFLOW_STEP_FAILED: ErrorCode.WORKFLOW_STEP_FAILED,
  WORKFLOW_TIMEOUT: ErrorCode.WORKFLOW_TIMEOUT,
  TRANSACTION_START_TIMEOUT: ErrorCode.SERVICE_BUSY,
  WORKFLOW_RETRIES_EXHAUSTED: ErrorCode.SERVICE_BUSY,
  WORKFLOW_ABORTED: ErrorCode.REQUEST_ABORTED,
  INVALID_WORKFLOW: ErrorCode.INTERNAL_SERVER_ERROR,
  NESTED_RUN_REFUSED: ErrorCode.INTERNAL_SERVER_ERROR,
  IDEMPOTENCY_KEY_REUSED: ErrorCode.IDEMPOTENCY_KEY_REUSED,
  OUTBOX_UNKNOWN_TOPIC: null,
  OUTBOX_MALFORMED_PAYLOAD: null,
  OUTBOX_HANDLER_TIMEOUT: null,
  OUTBOX_STOPPED: null,
  OUTBOX_UNDELIVERABLE: null,
} as const satisfies Record<string, ErrorCode | null>;
// (WORKFLOW_STEP_FAILED carries the step's own code instead when the step threw an AppError.)

export type InternalErrorCode = keyof typeof INTERNAL_ERROR_CODES;
export type BrokerErrorCode = Exclude<InternalErrorCode, `OUTBOX_${string}`>;
export type OutboxErrorCode = Extract<InternalErrorCode, `OUTBOX_${string}`>;

/**
 * The one place where errors become what a client sees. Every error leaves with a code
 * from ErrorCode; anything unexpected is logged and masked as INTERNAL_SERVER_ERROR,
 * and in production no stack trace or internal message reaches the client.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { trace } from "@opentelemetry/api";
import { unwrapResolverError } from "@apollo/server/errors";
import type { ValidationError } from "class-validator";
import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { ArgumentValidationError } from "type-graphql";
import {
  BrokerError,
  IdempotencyKeyReusedError,
  TransactionStartTimeoutError,
  WorkflowAbortedError,
  WorkflowRetriesExhaustedError,
  WorkflowStepError,
  WorkflowTimeoutError,
} from "../broker/index.js";
import { isDatabaseUnreachable, type OutageMonitor } from "../db/index.js";
import { AppError, ERROR_CODES, ErrorCode, INTERNAL_ERROR_CODES } from "../errors/index.js";
import { labelOf } from "./validation.js";

interface ClientError {
  code: ErrorCode;
  message: string;
  extensions?: Record<string, unknown>;
}

interface FieldProblem {
  field: string;
  messages: string[];
}

function fieldProblems(errors: ValidationError[], prefix = ""): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/**
 * One BAD_USER_INPUT for every invalid field at once: `extensions.fields` lists each field
 * with its own sentences (for a form to show at that field), `extensions.field` names the
 * first, and the message reads them all.
 */
function badInput(problems: FieldProblem[]): ClientError {
  return {
    code: ErrorCode.BAD_USER_INPUT,
    message: problems.flatMap((problem) => problem.messages).join(" ") || "Invalid input.",
    extensions: { field: problems[0]?.field, fields: problems },
  };
}

function fromValidation(error: ArgumentValidationError): ClientError {
  return badInput(fieldProblems(error.extensions.validationErrors));
}

/**
 * graphql-js's words for a variable it could not coerce, in a person's: `1.5` for an Int
 * is "Duration must be a whole number." Unknown shapes keep graphql-js's message.
 */
export function coercionProblem(message: string): FieldProblem | undefined {
  const field = fieldOfCoercionError(message);
  if (!field) return undefined;
  const label = labelOf(field);
  const sentence = (() => {
    if (/of required type "[^"]+" was not provided/.test(message)) return `${label} is required.`;
    if (/Expected non-nullable type "[^"]+" not to be null/.test(message)) {
      return `${label} is required.`;
    }
    if (/Int cannot represent non 32-bit/.test(message)) return `${label} is too large.`;
    if (/Int cannot represent/.test(message)) return `${label} must be a whole number.`;
    if (/Float cannot represent/.test(message)) return `${label} must be a number.`;
    if (/String cannot represent/.test(message)) return `${label} must be text.`;
    if (/Boolean cannot represent/.test(message)) return `${label} must be true or false.`;
    if (/DateTime|date-time|Date cannot/i.test(message)) {
      return `${label} must be a date and time, like 2026-11-30T07:30:00Z.`;
    }
    const unknown = /Field "([^"]+)" is not defined by type/.exec(message)?.[1];
    if (unknown) return `There is no field "${unknown}" here.`;
    return message;
  })();
  return { field, messages: [sentence] };
}

/** A broker error as the client sees it: its code from the one table (errorCodes.ts), and what is safe to say. */
function fromBroker(error: BrokerError, logger: Logger): ClientError {
  if (error instanceof WorkflowStepError) {
    const where = { workflow: error.workflow, step: error.step };
    logger.error({ err: error, ...where }, "workflow step failed");
    return {
      code: INTERNAL_ERROR_CODES[error.code],
      message: `The ${error.workflow} workflow failed at step ${error.step}; nothing was saved.`,
      extensions: where,
    };
  }
  if (error instanceof WorkflowTimeoutError) {
    logger.warn({ err: error }, "workflow timed out");
    return {
      code: INTERNAL_ERROR_CODES[error.code],
      message: `The ${error.workflow} workflow took too long and was rolled back; nothing was saved.`,
      extensions: { workflow: error.workflow, step: error.step },
    };
  }
  if (error instanceof WorkflowAbortedError) {
    logger.info(
      { workflow: error.workflow, step: error.step },
      "workflow aborted: the client left",
    );
    return {
      code: INTERNAL_ERROR_CODES[error.code],
      message: `The ${error.workflow} workflow was stopped because the request was abandoned; nothing was saved.`,
      extensions: { workflow: error.workflow },
    };
  }
  if (error instanceof IdempotencyKeyReusedError) {
    logger.info({ workflow: error.workflow }, "idempotency key reused for another request");
    return {
      code: INTERNAL_ERROR_CODES[error.code],
      message: `${error.message}; nothing ran.`,
      extensions: { workflow: error.workflow },
    };
  }
  if (
    error instanceof TransactionStartTimeoutError ||
    error instanceof WorkflowRetriesExhaustedError
  ) {
    logger.warn({ err: error }, "database busy");
    return {
      code: INTERNAL_ERROR_CODES[error.code],
      message: "The service is busy; nothing was saved. Please retry.",
      extensions: { workflow: error.workflow },
    };
  }
  logger.error({ err: error }, "broker error");
  return { code: INTERNAL_ERROR_CODES[error.code], message: "Internal server error" };
}

/**
 * The input field a variable-coercion error is about, named as class-validator errors name
 * it: `... got invalid value "x" at "input.activityDate"; ...` names `activityDate`;
 * `... Field "title" of required type ...` names `title`; otherwise the variable itself.
 */
export function fieldOfCoercionError(message: string): string | undefined {
  const at = /got invalid value .* at "([^"]+)"/.exec(message)?.[1];
  if (at)
    return at
      .split(".")
      .at(-1)
      ?.replace(/\[\d+\]$/, "");
  const missing = /Field "([^"]+)" of required type/.exec(message)?.[1];
  if (missing) return missing;
  return /^Variable "\$([^"]+)"/.exec(message)?.[1];
}

export function createErrorFormatter(options: {
  logger: Logger;
  production: boolean;
  /** Counts (and logs once per outage) the failures that mean the database is down. */
  outage?: OutageMonitor;
}) {
  const { logger, production, outage } = options;

  function classify(formatted: GraphQLFormattedError, original: unknown): ClientError {
    if (outage?.observe(original)) {
      return {
        code: ErrorCode.SERVICE_UNAVAILABLE,
        message: "The database cannot be reached right now; nothing was saved. Please retry.",
      };
    }
    if (original instanceof ArgumentValidationError) return fromValidation(original);
    const appError = appErrorOf(original);
    if (appError) {
      // Thrown by a workflow's step: the client also learns which step refused.
      const where =
        original instanceof WorkflowStepError
          ? { workflow: original.workflow, step: original.step }
          : {};
      return {
        code: appError.code,
        message: appError.message,
        extensions: { ...appError.extensions, ...where },
      };
    }
    if (original instanceof BrokerError) return fromBroker(original, logger);
    // GraphQL's and Apollo's own errors (parse, validation, variable coercion) carry a
    // known code and a client-safe message. Anything a resolver throws without one of our
    // codes arrives here as INTERNAL_SERVER_ERROR and is masked below.
    const code = formatted.extensions?.code;
    if (
      typeof code === "string" &&
      ERROR_CODES.has(code) &&
      code !== ErrorCode.INTERNAL_SERVER_ERROR
    ) {
      const problem =
        code === ErrorCode.BAD_USER_INPUT ? coercionProblem(formatted.message) : undefined;
      if (problem) return badInput([problem]);
      return { code: code as ErrorCode, message: formatted.message, extensions: {} };
    }
    logger.error({ err: original }, "unexpected error");
    return {
      code: ErrorCode.INTERNAL_SERVER_ERROR,
      message: production ? "Internal server error" : formatted.message,
    };
  }

  return function formatError(
    formatted: GraphQLFormattedError,
    error: unknown,
  ): GraphQLFormattedError {
    const { code, message, extensions } = classify(formatted, unwrapResolverError(error));
    const stacktrace = production ? undefined : formatted.extensions?.stacktrace;
    // The trace the request belongs to (when traced): what a bug report quotes, to find it.
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    return {
      message,
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
      extensions: {
        ...extensions,
        code,
        ...(traceId !== undefined && { traceId }),
        ...(stacktrace !== undefined && { stacktrace }),
      },
    };
  };
}

/** The app's own error, thrown by a resolver or by a workflow's step (the broker wraps it), if any. */
function appErrorOf(original: unknown): AppError | undefined {
  const cause = original instanceof WorkflowStepError ? original.cause : original;
  return cause instanceof AppError ? cause : undefined;
}

/**
 * Gives the HTTP response the status its errors call for, where GraphQL over HTTP has
 * one to give: the status an AppError asks for (429 Too Many Requests with `Retry-After`
 * for RATE_LIMITED), 503 Service
 * Unavailable with `Retry-After: 1` while the database cannot be reached.
 */
export function httpStatusFromErrors(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, response }) {
          for (const error of errors) {
            if (isDatabaseUnreachable(unwrapResolverError(error))) {
              response.http.status = 503;
              response.http.headers.set("retry-after", "1");
              return;
            }
            const original = unwrapResolverError(error);
            if (original instanceof IdempotencyKeyReusedError) {
              response.http.status = 422;
              return;
            }
            const status = appErrorOf(original)?.httpStatus;
            if (status) {
              response.http.status = status.status;
              if (status.retryAfterSeconds !== undefined) {
                response.http.headers.set("retry-after", String(status.retryAfterSeconds));
              }
              return;
            }
          }
        },
      };
    },
  };
}

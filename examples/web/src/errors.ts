import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";

/** The codes the API puts in `errors[].extensions.code` (a closed set). */
export type ApiErrorCode =
  | "BAD_USER_INPUT"
  | "EMAIL_TAKEN"
  | "INVALID_CREDENTIALS"
  | "UNAUTHENTICATED"
  | "RATE_LIMITED"
  | "SERVICE_BUSY"
  | "SERVICE_UNAVAILABLE"
  | "WORKFLOW_TIMEOUT"
  | "INTERNAL_SERVER_ERROR";

export interface ApiError {
  /** NETWORK_ERROR: the API could not be reached or did not answer in GraphQL. */
  code: ApiErrorCode | "NETWORK_ERROR";
  message: string;
  /** For BAD_USER_INPUT: the input field at fault, e.g. "title". */
  field?: string;
}

const API_ERROR_CODES: ReadonlySet<string> = new Set<ApiErrorCode>([
  "BAD_USER_INPUT",
  "EMAIL_TAKEN",
  "INVALID_CREDENTIALS",
  "UNAUTHENTICATED",
  "RATE_LIMITED",
  "SERVICE_BUSY",
  "SERVICE_UNAVAILABLE",
  "WORKFLOW_TIMEOUT",
  "INTERNAL_SERVER_ERROR",
]);

/** BAD_USER_INPUT's `extensions.fields`: each invalid field with its own sentences. */
function fieldProblems(value: unknown): { field: string; messages: string[] }[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is { field: string; messages: string[] } =>
      typeof item?.field === "string" &&
      Array.isArray(item.messages) &&
      item.messages.every((message: unknown) => typeof message === "string"),
  );
}

function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === "string" && API_ERROR_CODES.has(code);
}

/** Reads the API's errors out of whatever Apollo Client rejected with. */
export function readApiErrors(error: unknown): ApiError[] {
  if (CombinedGraphQLErrors.is(error)) {
    return error.errors.flatMap(({ message, extensions }): ApiError[] => {
      const code = extensions?.code;
      const field = extensions?.field;
      // One error per invalid field, each with its own sentences, so that each shows at its field.
      const problems = code === "BAD_USER_INPUT" ? fieldProblems(extensions?.fields) : [];
      if (problems.length > 0) {
        return problems.map((problem) => ({
          code: "BAD_USER_INPUT",
          message: problem.messages.join(" "),
          field: problem.field,
        }));
      }
      return [
        {
          // Unknown codes (e.g. a server newer than this app) read as a server error.
          code: isApiErrorCode(code) ? code : "INTERNAL_SERVER_ERROR",
          message,
          ...(typeof field === "string" ? { field } : {}),
        },
      ];
    });
  }
  if (ServerError.is(error) && error.statusCode === 401) {
    return [{ code: "UNAUTHENTICATED", message: error.message }];
  }
  return [{ code: "NETWORK_ERROR", message: error instanceof Error ? error.message : "" }];
}

/** What the user reads for an error that is not about one input field. */
export function describeApiError(error: ApiError): string {
  switch (error.code) {
    case "BAD_USER_INPUT":
      return error.message;
    case "EMAIL_TAKEN":
      return "An account with this e-mail address already exists. Log in instead.";
    case "INVALID_CREDENTIALS":
      return "The e-mail address or the password is wrong.";
    case "UNAUTHENTICATED":
      return "Your session has ended. Please log in again.";
    case "RATE_LIMITED":
      return error.message; // says how long to wait
    case "SERVICE_BUSY":
    case "WORKFLOW_TIMEOUT":
      return "The server is busy; nothing was saved. Please try again in a moment.";
    case "SERVICE_UNAVAILABLE":
      return "The service is unavailable right now; nothing was saved. Please try again shortly.";
    case "INTERNAL_SERVER_ERROR":
      return "Something went wrong on the server. Please try again.";
    case "NETWORK_ERROR":
      return "The server cannot be reached. Please try again.";
    default: {
      const unreachable: never = error.code;
      throw new Error(`Unhandled error code: ${String(unreachable)}`);
    }
  }
}

/** Errors of one form: one message per field, and at most one for the whole form. */
export interface FormErrors<Field extends string> {
  fields: Partial<Record<Field, string>>;
  form?: string;
}

/**
 * Places the API's errors in a form: BAD_USER_INPUT next to the field it names, the
 * codes listed in `fieldOfCode` next to their field, the rest above the submit button.
 */
export function toFormErrors<Field extends string>(
  error: unknown,
  fields: readonly Field[],
  fieldOfCode: Partial<Record<ApiErrorCode, Field>> = {},
): FormErrors<Field> {
  const result: FormErrors<Field> = { fields: {} };
  const isField = (name: string | undefined): name is Field =>
    name !== undefined && (fields as readonly string[]).includes(name);
  for (const apiError of readApiErrors(error)) {
    const field =
      apiError.code === "BAD_USER_INPUT"
        ? apiError.field
        : apiError.code === "NETWORK_ERROR"
          ? undefined
          : fieldOfCode[apiError.code];
    if (isField(field)) {
      result.fields[field] ??= describeApiError(apiError);
    } else {
      result.form ??= describeApiError(apiError);
    }
  }
  return result;
}

/** What to show for a query that failed: its first API error in words, else Apollo's message. */
export function describeQueryError(error: Error): string {
  const [first] = readApiErrors(error);
  return first ? describeApiError(first) : error.message;
}

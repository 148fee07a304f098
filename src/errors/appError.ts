import { CodedError } from "./codedError.js";
import type { ErrorCode } from "./errorCodes.js";

/**
 * An error a client is shown as it is: its `code` (one of {@link ErrorCode}), its message,
 * and the extra `extensions` a client may rely on.
 */
export abstract class AppError extends CodedError<ErrorCode> {
  /** Extra, client-safe details (e.g. `{ field: "title" }`). */
  get extensions(): Record<string, unknown> {
    return {};
  }

  /**
   * The HTTP status this error calls for where GraphQL over HTTP has one to give (429 for
   * too many attempts), with a Retry-After in seconds; undefined for the usual 200.
   */
  get httpStatus(): { status: number; retryAfterSeconds?: number } | undefined {
    return undefined;
  }
}

/** Input that cannot be accepted; thrown before any transaction opens where possible. */
export class BadUserInputError extends AppError {
  override readonly name = "BadUserInputError";
  readonly code = "BAD_USER_INPUT";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
  override get extensions() {
    return { field: this.field };
  }
}

/** The operation needs an authenticated viewer. */
export class UnauthenticatedError extends AppError {
  override readonly name = "UnauthenticatedError";
  readonly code = "UNAUTHENTICATED";
  constructor(message = "You must be signed in: send Authorization: Bearer <sessionToken>.") {
    super(message);
  }
}

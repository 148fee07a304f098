import type { ErrorCode } from "./errorCodes.js";

/**
 * The base of every error the app expects and may show a client: it carries a stable
 * `code` from {@link ErrorCode} and the extra `extensions` a client may rely on.
 * Subclasses live next to the code that throws them.
 */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;

  /** Extra, client-safe details (e.g. `{ field: "title" }`). */
  get extensions(): Record<string, unknown> {
    return {};
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

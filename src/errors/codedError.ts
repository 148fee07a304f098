import type { ErrorCode, InternalErrorCode } from "./errorCodes.js";

/**
 * The base of every error this code base throws on purpose: a stable `name`, and a stable
 * `code` from the one list in errorCodes.ts, which says which codes a client may see.
 * Subclasses live next to the code that throws them.
 */
export abstract class CodedError<Code extends ErrorCode | InternalErrorCode> extends Error {
  abstract override readonly name: string;
  abstract readonly code: Code;
}

/**
 * The errors every folder shares: the base of all coded errors, the one list of codes
 * (which of them clients see), and the errors clients see that no one feature owns.
 */
export { CodedError } from "./codedError.js";
export { AppError, BadUserInputError, UnauthenticatedError } from "./appError.js";
export {
  ERROR_CODES,
  ErrorCode,
  INTERNAL_ERROR_CODES,
  type BrokerErrorCode,
  type OutboxErrorCode,
} from "./errorCodes.js";

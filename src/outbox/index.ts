/**
 * The outbox: sends, after commit, the side effects that use cases recorded in the
 * `outbox_messages` table inside their transactions (today: the welcome e-mail). A
 * rolled-back transaction leaves no message, so nothing is sent for it.
 *
 * This file is its entry point; the other files under src/outbox are internal.
 */
export {
  createOutboxDispatcher,
  type BatchResult,
  type OutboxDispatcher,
  type OutboxDispatcherOptions,
} from "./dispatcher.js";
export { DISPATCHER_DEFAULTS, type DispatcherTuning } from "./options.js";
export type {
  OutboxHandler,
  OutboxHandlerContext,
  OutboxHandlers,
  OutboxMessage,
} from "./types.js";
export type { Email, Mailer } from "./mailer.js";
export { createLoggingMailer } from "./loggingMailer.js";
export { createOutboxHandlers } from "./handlers.js";
export { createWelcomeEmailHandler, welcomeEmail } from "./welcomeEmailHandler.js";
export { parseWelcomeEmailPayload, type WelcomeEmailPayload } from "./welcomeEmailPayload.js";
export {
  DispatcherStoppedError,
  HandlerTimeoutError,
  MalformedPayloadError,
  OutboxError,
  PermanentDeliveryError,
  UnknownTopicError,
  type OutboxErrorCode,
} from "./errors.js";

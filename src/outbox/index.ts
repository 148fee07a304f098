/**
 * The outbox: sends, after commit, the side effects that use cases recorded in the
 * `outbox_messages` table inside their transactions. A rolled-back transaction leaves no
 * message, so nothing is sent for it. It knows no feature: features give it their
 * handlers, by topic.
 *
 * This file is its entry point; the other files under src/outbox are internal.
 */
export {
  createOutboxDispatcher,
  type OutboxDispatcher,
  type OutboxDispatcherOptions,
} from "./dispatcher.js";
export { DISPATCHER_DEFAULTS } from "./options.js";
export type { OutboxBacklog } from "./backlog.js";
export type { OutboxHandlers } from "./types.js";
export type { Email, Mailer } from "./mailer.js";
export { createLoggingMailer } from "./loggingMailer.js";
export { DispatcherStoppedError, MalformedPayloadError, PermanentDeliveryError } from "./errors.js";

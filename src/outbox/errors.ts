// Internal to the outbox: its errors. Import them from ./index.js.

import { CodedError, type OutboxErrorCode } from "../errors/index.js";

/**
 * Base of the errors the outbox raises; none of them reaches a client. A message whose
 * handling fails is logged with its error, counted in `attempts`, and retried after a
 * back-off.
 */
export abstract class OutboxError extends CodedError<OutboxErrorCode> {}

/** No handler is registered for the message's topic (a typo, or a handler not wired yet). */
export class UnknownTopicError extends OutboxError {
  override readonly name = "UnknownTopicError";
  readonly code = "OUTBOX_UNKNOWN_TOPIC";
  constructor(readonly topic: string) {
    super(`No outbox handler for topic "${topic}"`);
  }
}

/**
 * A failure that no retry can fix (a payload that will never parse, an address the
 * provider refuses for good): the message is given up at once instead of being retried
 * until its attempts run out. Handlers and mailers throw it (or a subclass) to say so.
 */
export class PermanentDeliveryError extends OutboxError {
  override readonly name: string = "PermanentDeliveryError";
  readonly code: OutboxErrorCode = "OUTBOX_UNDELIVERABLE";
}

/** True for a failure no retry can fix (see {@link PermanentDeliveryError}). */
export function isPermanentFailure(error: unknown): boolean {
  return error instanceof PermanentDeliveryError;
}

/**
 * The message's payload does not have the shape its topic needs, and never will: given
 * up at once. The message names the topic and the field, never the payload's values
 * (they may be personal data).
 */
export class MalformedPayloadError extends PermanentDeliveryError {
  override readonly name = "MalformedPayloadError";
  override readonly code = "OUTBOX_MALFORMED_PAYLOAD";
  constructor(
    readonly topic: string,
    problem: string,
  ) {
    super(`Malformed payload for topic "${topic}": ${problem}`);
  }
}

/** The handler did not settle within the dispatcher's `handlerTimeoutMs`. */
export class HandlerTimeoutError extends OutboxError {
  override readonly name = "HandlerTimeoutError";
  readonly code = "OUTBOX_HANDLER_TIMEOUT";
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
  ) {
    super(`The handler for topic "${topic}" did not finish within ${timeoutMs} ms`);
  }
}

/** `dispatchBatch()` after `stop()`: the database may be closing. */
export class DispatcherStoppedError extends OutboxError {
  override readonly name = "DispatcherStoppedError";
  readonly code = "OUTBOX_STOPPED";
  constructor() {
    super("The outbox dispatcher is stopped");
  }
}

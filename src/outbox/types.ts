// Internal to the outbox: what a handler receives. Import the types from ./index.js.
import type { Logger } from "pino";

/** One outbox message as its handler sees it. */
export interface OutboxMessage {
  readonly id: string;
  readonly topic: string;
  /** The JSON the transaction stored; a handler validates it before use. */
  readonly payload: unknown;
  readonly createdAt: Date;
  /** Attempts made before this one (0 on the first). */
  readonly attempts: number;
}

export interface OutboxHandlerContext {
  /** Aborted when the handler runs past the dispatcher's `handlerTimeoutMs`. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/**
 * Performs the side effect of one topic. Resolving means "done": the message is marked
 * dispatched and never handed out again. Throwing (or rejecting) means "not done": the
 * message is retried after a back-off that grows with each failure, until the dispatcher's
 * `maxAttempts`. A message can be handled more than once (a crash after the send, before
 * the commit), so a handler should be safe to repeat where that matters.
 */
export type OutboxHandler = (
  message: OutboxMessage,
  context: OutboxHandlerContext,
) => Promise<void>;

/** Handlers by topic. */
export type OutboxHandlers = Readonly<Record<string, OutboxHandler>>;

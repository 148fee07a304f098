// Internal to the outbox: runs one message's handler, turning every failure into a value.
import type { Logger } from "pino";
import { HandlerTimeoutError, UnknownTopicError } from "./errors.js";
import { toError } from "../support/toError.js";
import type { OutboxHandlers, OutboxMessage } from "./types.js";

export type HandlerOutcome = { ok: true } | { ok: false; error: Error };

/**
 * Runs the handler of `message.topic`. Never rejects: an unknown topic, a handler that
 * throws (synchronously or not) or one that runs past `timeoutMs` comes back as
 * `{ ok: false, error }`, so one bad message cannot stop the batch or the poll loop.
 */
export async function runHandler(
  message: OutboxMessage,
  handlers: OutboxHandlers,
  { timeoutMs, logger }: { timeoutMs: number; logger: Logger },
): Promise<HandlerOutcome> {
  // Own properties only: a topic such as "constructor" must not find Object's prototype.
  const handler = Object.hasOwn(handlers, message.topic) ? handlers[message.topic] : undefined;
  if (!handler) return { ok: false, error: new UnknownTopicError(message.topic) };

  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new HandlerTimeoutError(message.topic, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    await Promise.race([
      Promise.resolve().then(() => handler(message, { signal: controller.signal, logger })),
      timedOut,
    ]);
    return { ok: true };
  } catch (thrown) {
    return { ok: false, error: toError(thrown) };
  } finally {
    clearTimeout(timer);
  }
}

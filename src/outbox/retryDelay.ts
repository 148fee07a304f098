// Internal to the outbox: how long a failed message waits before it is due again.
import { backoffDelayMs } from "../broker/index.js";
import type { DispatcherTuning } from "./options.js";

/**
 * The broker's exponential back-off with full jitter, on the outbox's settings: a uniformly
 * random whole number of milliseconds from 0 up to (not including)
 * min(retryMaxDelayMs, retryBaseDelayMs * 2^(failedAttempts - 1)). The ceiling doubles with
 * each failure (1 s, 2 s, 4 s, ... with the defaults) and never passes retryMaxDelayMs; the
 * jitter spreads out messages that failed together (a mail provider outage), so they do not
 * all come back in the same batch. `random` returns a number in [0, 1) (Math.random by
 * default; tests pass a seeded one).
 */
export function retryDelayMs(
  {
    retryBaseDelayMs,
    retryMaxDelayMs,
  }: Pick<DispatcherTuning, "retryBaseDelayMs" | "retryMaxDelayMs">,
  failedAttempts: number,
  random: () => number = Math.random,
): number {
  return backoffDelayMs(
    { baseDelayMs: retryBaseDelayMs, maxDelayMs: retryMaxDelayMs },
    failedAttempts,
    random,
  );
}

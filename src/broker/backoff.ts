// Internal to the broker: how long to wait before the next attempt.
import type { RetryPolicy } from "./types.js";

/**
 * Exponential back-off with full jitter: a uniformly random delay between 0 and
 * min(maxDelayMs, baseDelayMs * 2^(failedAttempt - 1)), so retrying runs spread out
 * instead of colliding again. `random` returns a number in [0, 1). Exported through
 * index.ts for other retry loops of the app (the outbox), so there is one such formula.
 */
export function backoffDelayMs(
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  failedAttempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.floor(random() * ceiling);
}

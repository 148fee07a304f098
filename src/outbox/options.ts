// Internal to the outbox: the dispatcher's tunables, their defaults and their checks.
import { isWholeNumberIn, notAWholeNumberIn } from "../support/wholeNumber.js";

export interface DispatcherTuning {
  /** Messages claimed (and handled inside one transaction) per batch. */
  batchSize: number;
  /** Attempts after which a failing message is given up (left undispatched, not retried). */
  maxAttempts: number;
  /** Milliseconds between the end of one polled batch and the start of the next; 0 disables polling. */
  pollIntervalMs: number;
  /** Longest a handler may run before it counts as failed. */
  handlerTimeoutMs: number;
  /**
   * Ceiling of the wait after a message's first failure; it doubles with each further
   * failure (the wait itself is random, from 0 to the ceiling: full jitter).
   */
  retryBaseDelayMs: number;
  /** Highest the ceiling of that wait goes, however many failures. */
  retryMaxDelayMs: number;
}

export const DISPATCHER_DEFAULTS: Readonly<DispatcherTuning> = {
  batchSize: 10,
  maxAttempts: 5,
  pollIntervalMs: 1_000,
  handlerTimeoutMs: 5_000,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 300_000,
};

const LIMITS: Record<keyof DispatcherTuning, [min: number, max: number]> = {
  batchSize: [1, 1_000],
  maxAttempts: [1, 1_000],
  pollIntervalMs: [0, 3_600_000],
  handlerTimeoutMs: [1, 600_000],
  retryBaseDelayMs: [1, 3_600_000],
  retryMaxDelayMs: [1, 86_400_000],
};

/** The given values over the defaults; throws a RangeError naming a value out of range. */
export function resolveTuning(given: Partial<DispatcherTuning>): DispatcherTuning {
  const tuning = { ...DISPATCHER_DEFAULTS };
  for (const key of Object.keys(LIMITS) as (keyof DispatcherTuning)[]) {
    const value = given[key];
    if (value === undefined) continue;
    const [min, max] = LIMITS[key];
    if (!isWholeNumberIn(value, min, max)) {
      throw new RangeError(notAWholeNumberIn(`outbox ${key}`, min, max, value));
    }
    tuning[key] = value;
  }
  return tuning;
}

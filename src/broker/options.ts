// Internal to the broker: checking transaction options and resolving them through their levels.
import { isWholeNumberIn } from "../support/wholeNumber.js";
import { InvalidWorkflowError } from "./errors.js";
import type {
  IsolationLevel,
  ResolvedTransactionOptions,
  RetryPolicy,
  RunOptions,
  TransactionOptions,
} from "./types.js";

/** Used where neither the run, the workflow nor the broker sets a value. */
export const BUILT_IN_DEFAULTS: ResolvedTransactionOptions = Object.freeze({
  isolationLevel: "ReadCommitted",
  timeout: 5_000,
  maxWait: 2_000,
  retry: Object.freeze({ maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 500 }),
});

const ISOLATION_LEVELS: readonly IsolationLevel[] = [
  "ReadUncommitted",
  "ReadCommitted",
  "RepeatableRead",
  "Serializable",
];
const OPTION_KEYS = ["isolationLevel", "timeout", "maxWait", "retry"];
const RUN_OPTION_KEYS = [...OPTION_KEYS, "signal", "dryRun", "idempotency", "caller"];
const IDEMPOTENCY_KEYS = ["key", "caller", "fingerprint"];
const RETRY_KEYS = ["maxAttempts", "baseDelayMs", "maxDelayMs"];
/** Longer delays overflow Node's timers, which then fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Throws InvalidWorkflowError naming `where` (e.g. `workflow "login"`) and the field when
 * `options` is not a valid TransactionOptions value. Checks what JavaScript callers could
 * get wrong as well as what the types already forbid.
 */
export function checkTransactionOptions(
  options: unknown,
  where: string,
): asserts options is TransactionOptions | undefined {
  checkOptions(options, where, OPTION_KEYS);
}

/**
 * Like {@link checkTransactionOptions}, for the options of one run, which may also carry
 * a `signal` (an AbortSignal).
 */
export function checkRunOptions(
  options: unknown,
  where: string,
): asserts options is RunOptions | undefined {
  checkOptions(options, where, RUN_OPTION_KEYS);
  const { signal, dryRun, idempotency, caller } = (options ?? {}) as Record<string, unknown>;
  const fail = (problem: string): never => {
    throw new InvalidWorkflowError(`Invalid transaction options for ${where}: ${problem}`);
  };
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    fail(`signal must be an AbortSignal, got ${describe(signal)}`);
  }
  if (caller !== undefined && typeof caller !== "string") {
    fail(`caller must be a string, got ${describe(caller)}`);
  }
  if (dryRun !== undefined && typeof dryRun !== "boolean") {
    fail(`dryRun must be true or false, got ${describe(dryRun)}`);
  }
  if (idempotency === undefined) return;
  if (dryRun === true) fail("a dry run stores nothing, so it takes no idempotency key");
  if (!isPlainObject(idempotency)) return fail("idempotency must be an object");
  for (const key of Object.keys(idempotency)) {
    if (!IDEMPOTENCY_KEYS.includes(key)) {
      fail(`unknown idempotency option "${key}" (known: ${IDEMPOTENCY_KEYS.join(", ")})`);
    }
  }
  for (const key of IDEMPOTENCY_KEYS) {
    const value = idempotency[key];
    if (typeof value !== "string" || value === "") {
      fail(`idempotency.${key} must be a non-empty string, got ${describe(value)}`);
    }
  }
}

function checkOptions(options: unknown, where: string, knownKeys: readonly string[]): void {
  if (options === undefined) return;
  const fail = (problem: string): never => {
    throw new InvalidWorkflowError(`Invalid transaction options for ${where}: ${problem}`);
  };
  if (!isPlainObject(options)) return fail("expected an object");
  for (const key of Object.keys(options)) {
    if (!knownKeys.includes(key)) fail(`unknown option "${key}" (known: ${knownKeys.join(", ")})`);
  }
  const { isolationLevel, timeout, maxWait, retry } = options;
  if (
    isolationLevel !== undefined &&
    !ISOLATION_LEVELS.includes(isolationLevel as IsolationLevel)
  ) {
    fail(
      `isolationLevel must be one of ${ISOLATION_LEVELS.join(", ")}, got ${describe(isolationLevel)}`,
    );
  }
  if (timeout !== undefined && !isWholeNumberIn(timeout, 1, MAX_TIMER_MS)) {
    fail(
      `timeout must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${describe(timeout)}`,
    );
  }
  if (maxWait !== undefined && !isWholeNumberIn(maxWait, 1, MAX_TIMER_MS)) {
    fail(
      `maxWait must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${describe(maxWait)}`,
    );
  }
  if (retry === undefined) return;
  if (!isPlainObject(retry)) return fail("retry must be an object");
  for (const key of Object.keys(retry)) {
    if (!RETRY_KEYS.includes(key))
      fail(`unknown retry option "${key}" (known: ${RETRY_KEYS.join(", ")})`);
  }
  if (
    retry.maxAttempts !== undefined &&
    !isWholeNumberIn(retry.maxAttempts, 1, Number.MAX_SAFE_INTEGER)
  ) {
    fail(
      `retry.maxAttempts must be a whole number of at least 1, got ${describe(retry.maxAttempts)}`,
    );
  }
  for (const key of ["baseDelayMs", "maxDelayMs"] as const) {
    if (retry[key] !== undefined && !isWholeNumberIn(retry[key], 0, MAX_TIMER_MS)) {
      fail(
        `retry.${key} must be a whole number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${describe(retry[key])}`,
      );
    }
  }
  if (
    typeof retry.baseDelayMs === "number" &&
    typeof retry.maxDelayMs === "number" &&
    retry.maxDelayMs < retry.baseDelayMs
  ) {
    fail(
      `retry.maxDelayMs (${retry.maxDelayMs}) must not be less than retry.baseDelayMs (${retry.baseDelayMs})`,
    );
  }
}

/**
 * Resolves options field by field, the first level that sets a field winning
 * (pass them most specific first: run, workflow, broker), then the built-in defaults.
 * Throws InvalidWorkflowError naming `where` if the resolved retry delays contradict each other.
 */
export function resolveTransactionOptions(
  levels: readonly (TransactionOptions | undefined)[],
  where: string,
): ResolvedTransactionOptions {
  const pick = <K extends keyof TransactionOptions>(key: K) =>
    levels.find((level) => level?.[key] !== undefined)?.[key];
  const pickRetry = <K extends keyof RetryPolicy>(key: K): RetryPolicy[K] =>
    levels.find((level) => level?.retry?.[key] !== undefined)?.retry?.[key] ??
    BUILT_IN_DEFAULTS.retry[key];
  const resolved: ResolvedTransactionOptions = {
    isolationLevel: pick("isolationLevel") ?? BUILT_IN_DEFAULTS.isolationLevel,
    timeout: pick("timeout") ?? BUILT_IN_DEFAULTS.timeout,
    maxWait: pick("maxWait") ?? BUILT_IN_DEFAULTS.maxWait,
    retry: {
      maxAttempts: pickRetry("maxAttempts"),
      baseDelayMs: pickRetry("baseDelayMs"),
      maxDelayMs: pickRetry("maxDelayMs"),
    },
  };
  if (resolved.retry.maxDelayMs < resolved.retry.baseDelayMs) {
    throw new InvalidWorkflowError(
      `Invalid transaction options for ${where}: the resolved retry.maxDelayMs (${resolved.retry.maxDelayMs}) is less than retry.baseDelayMs (${resolved.retry.baseDelayMs})`,
    );
  }
  return resolved;
}

/** A frozen copy, so options checked once cannot change afterwards. */
export function freezeOptions(
  options: TransactionOptions | undefined,
): Readonly<TransactionOptions> {
  if (options === undefined) return Object.freeze({});
  const { retry, ...rest } = options;
  return Object.freeze(
    retry === undefined ? { ...rest } : { ...rest, retry: Object.freeze({ ...retry }) },
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

// Small helpers any folder may use (the broker and the outbox included): no app imports.
/** What a secret's value is replaced with. */
export const REDACTED = "[Redacted]";

/**
 * Key fragments that mark a secret, compared with the key lower-cased and stripped of
 * everything but letters and digits: password, passwordHash, sessionToken, token_hash,
 * Authorization, clientSecret, apiKey, Cookie, ...
 */
const SECRET_KEY_PARTS = [
  "password",
  "passwd",
  "secret",
  "token",
  "authorization",
  "cookie",
  "apikey",
  "credential",
];
const MAX_DEPTH = 16;

/**
 * The secret fields the request logs may hold, by exact name: pino redacts by path, not by
 * pattern (see logger.ts). Each one is also a secret by {@link isSecretKey}.
 */
export const SECRET_FIELDS = ["password", "passwordHash", "token", "sessionToken", "authorization"];

/** True when a value under `key` must not be logged. */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  return SECRET_KEY_PARTS.some((part) => normalized.includes(part));
}

/**
 * A copy of `value` with the value of every secret key ({@link isSecretKey}), at any depth,
 * replaced by "[Redacted]". Errors are copied with their prototype (so pino's error
 * serializer still sees the right type) and their own properties, `cause` included,
 * redacted. Cycles become "[Circular]"; values with `toJSON` (Date, Decimal, Buffer) are
 * kept as they are.
 */
export function redactSecrets<T>(value: T): T {
  return redact(value, 0, new WeakSet()) as T;
}

function redact(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (ancestors.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Object]";
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return value;
  ancestors.add(value);
  try {
    if (value instanceof Error) return redactError(value, depth, ancestors);
    if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, ancestors));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = isSecretKey(key) ? REDACTED : redact(item, depth + 1, ancestors);
    }
    return copy;
  } finally {
    ancestors.delete(value);
  }
}

function redactError(error: Error, depth: number, ancestors: WeakSet<object>): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object | null) as Error;
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor === undefined) continue;
    const original: unknown = "value" in descriptor ? descriptor.value : Reflect.get(error, key);
    const value =
      typeof key === "string" && isSecretKey(key)
        ? REDACTED
        : redact(original, depth + 1, ancestors);
    Object.defineProperty(copy, key, {
      value,
      enumerable: descriptor.enumerable ?? false,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

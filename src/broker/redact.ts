// Internal to the broker: takes secrets out of objects before they are logged.
import pino from "pino";

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

/** True when a value under `key` must not be logged. */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  return SECRET_KEY_PARTS.some((part) => normalized.includes(part));
}

/**
 * A copy of `value` with the value of every secret key ({@link isSecretKey}), at any depth,
 * replaced by "[Redacted]". Errors become pino's serialized form (type, message, stack,
 * cause, own properties) first, so their properties are redacted too. Cycles become
 * "[Circular]"; values with `toJSON` (Date, Decimal, Buffer) are kept as they are.
 */
export function redactSecrets<T>(value: T): T {
  return redact(value, 0, new WeakSet()) as T;
}

function redact(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (ancestors.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Object]";
  if (value instanceof Error)
    return redact(pino.stdSerializers.errWithCause(value), depth, ancestors);
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return value;
  ancestors.add(value);
  try {
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

// Internal to the broker: walks an error and everything it wraps.

/**
 * Yields `error`, then every value it wraps: `cause` (Error's standard field) and Prisma's
 * `meta.driverAdapterError`, depth first, each value once (cycles are cut).
 */
export function* causeChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === undefined || current === null || seen.has(current)) continue;
    seen.add(current);
    yield current;
    if (typeof current !== "object") continue;
    const { cause, meta } = current as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    if (typeof meta === "object" && meta !== null) pending.push(meta.driverAdapterError);
    pending.push(cause);
  }
}

/** The string-valued property `key` of `value`, if it has one. */
export function stringProperty(value: unknown, key: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const property = (value as Record<string, unknown>)[key];
  return typeof property === "string" ? property : undefined;
}

/** The one rule for counts, sizes and durations read from settings: a whole number within a range. */

/** True when `value` is a whole number from `min` to `max`. */
export function isWholeNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** "NAME must be a whole number from MIN to MAX, got VALUE": the sentence every setting's check uses. */
export function notAWholeNumberIn(name: string, min: number, max: number, got: unknown): string {
  return `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(got) ?? String(got)}`;
}

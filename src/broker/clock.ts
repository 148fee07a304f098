// Internal to the broker: durations for logs and run timings.

/** Milliseconds since `startedAt` (a performance.now() reading), rounded to 0.01 ms. */
export function elapsedMs(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 100) / 100;
}

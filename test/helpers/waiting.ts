/** Waiting in tests: for a condition to hold, or for work to finish, each with a bound. */

/**
 * Resolves once `condition` holds, checking it every `intervalMs`; rejects after
 * `timeoutMs` (a bound for a test that would otherwise hang, not a speed check).
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Settles like `work`, or rejects when it has not within `ms`, naming `what`. */
export function withTimeout<T>(work: Promise<T>, ms: number, what = "the work"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

// Internal to the broker: a run's deadline, and waiting for a step no longer than it.

/** A point in time after which a run must not go on. */
export interface Deadline {
  /** Aborts when the attempt must stop: the deadline passed (with the reason `onExpiry` gave), or the controller was aborted for another reason. */
  readonly signal: AbortSignal;
  /** True once the attempt must stop (also when a blocked event loop delayed the timer). */
  expired(): boolean;
  /** Stops the timer; call when the run is over. */
  dispose(): void;
}

/**
 * Starts a deadline `timeoutMs` from now that aborts `controller` when it passes, with the
 * reason `onExpiry` gives at that moment. The controller may also be aborted otherwise
 * (the caller gave up); the deadline then counts as expired too.
 */
export function startDeadline(
  timeoutMs: number,
  controller: AbortController,
  onExpiry: () => Error,
): Deadline {
  const endsAt = performance.now() + timeoutMs;
  const expire = () => {
    if (!controller.signal.aborted) controller.abort(onExpiry());
  };
  const timer = setTimeout(expire, timeoutMs);
  return {
    signal: controller.signal,
    expired() {
      if (!controller.signal.aborted && performance.now() >= endsAt) expire();
      return controller.signal.aborted;
    },
    dispose: () => clearTimeout(timer),
  };
}

/**
 * Settles like `work`, or rejects with the signal's reason as soon as it aborts, whichever
 * comes first. `work` keeps running after an abort; its later result or rejection is
 * consumed here, so it can never become an unhandled rejection.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

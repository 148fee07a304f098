// Internal to the broker: what stops a run (its deadline, its caller's abort), and waiting
// for a step no longer than that.
import { WorkflowAbortedError, WorkflowTimeoutError } from "./errors.js";

/** Where a run got to: the step its stop errors name. */
export interface StepProgress {
  /** The step running or about to start; undefined once the last step is done. */
  step: string | undefined;
}

/** A point in time after which a run must not go on. */
export interface Deadline {
  /** Aborts when the attempt must stop: the deadline passed (with the reason `onExpiry` gave), or the controller was aborted for another reason. */
  readonly signal: AbortSignal;
  /** True once the attempt must stop (also when a blocked event loop delayed the timer). */
  expired(): boolean;
  /** Stops the timer; call when the run is over. */
  dispose(): void;
  /**
   * Calls `start` (a synchronous throw becomes a rejection) and settles like what it
   * returns, or rejects with the signal's reason as soon as it aborts, whichever comes
   * first; after the abort, starts nothing. The work keeps running after an abort; its
   * later result or rejection is consumed here, so it can never become an unhandled
   * rejection.
   */
  run<T>(start: () => T | PromiseLike<T>): Promise<T>;
}

/**
 * Starts a deadline `timeoutMs` from now that aborts `controller` when it passes, with a
 * WorkflowTimeoutError naming the step `progress` says was running then. The controller
 * may also be aborted otherwise (the caller gave up); the deadline then counts as expired too.
 */
export function startDeadline(
  timeoutMs: number,
  controller: AbortController,
  workflow: string,
  progress: StepProgress,
): Deadline {
  const endsAt = performance.now() + timeoutMs;
  const expire = () => {
    if (!controller.signal.aborted) {
      controller.abort(new WorkflowTimeoutError({ workflow, step: progress.step, timeoutMs }));
    }
  };
  const timer = setTimeout(expire, timeoutMs);
  return {
    signal: controller.signal,
    // One promise and one abort listener per call, not Promise.race (an array, an
    // iterator and a promise per element): the broker calls it once per stage of steps
    // (runStage), not once per step.
    run<T>(start: () => T | PromiseLike<T>): Promise<T> {
      const { signal } = controller;
      if (signal.aborted) return Promise.reject(signal.reason as Error);
      return new Promise<T>((resolve, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        const started = start();
        if (isThenable(started)) started.then(resolve, reject);
        else resolve(started);
      });
    },
    expired() {
      if (!controller.signal.aborted && performance.now() >= endsAt) expire();
      return controller.signal.aborted;
    },
    dispose: () => clearTimeout(timer),
  };
}

/**
 * Aborts `controller` when the caller's `signal` aborts (at once if it has), with a
 * WorkflowAbortedError naming the step `progress` says was running then. Returns what
 * detaches it from the signal, for when the run is over.
 */
export function abortWhenCallerAborts(
  signal: AbortSignal | undefined,
  controller: AbortController,
  workflow: string,
  progress: StepProgress,
): () => void {
  if (signal === undefined) return () => {};
  const onAbort = () =>
    controller.abort(
      new WorkflowAbortedError({ workflow, step: progress.step, reason: signal.reason }),
    );
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

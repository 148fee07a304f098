// Internal to the outbox: a timer loop whose ticks never overlap.

export interface PollLoop {
  /** Schedules the first tick `intervalMs` from now. Does nothing if started or stopped. */
  start(): void;
  /** No tick starts after this (a tick already running is the caller's to await). */
  stop(): void;
}

/**
 * Calls `tick` every `intervalMs`, counted from the end of the previous tick, so a slow
 * tick delays the next one rather than running beside it. `tick` must not reject.
 * The timer is unref'd: a loop left running never keeps the process alive by itself.
 */
export function createPollLoop({
  intervalMs,
  tick,
}: {
  intervalMs: number;
  tick: () => Promise<void>;
}): PollLoop {
  let state: "idle" | "running" | "stopped" = "idle";
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    timer = setTimeout(() => {
      timer = undefined;
      void tick().then(() => {
        if (state === "running") schedule();
      });
    }, intervalMs);
    timer.unref();
  };

  return {
    start() {
      if (state !== "idle") return;
      state = "running";
      schedule();
    },
    stop() {
      state = "stopped";
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

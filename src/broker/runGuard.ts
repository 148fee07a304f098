// Internal to the broker: no run starts from inside another run's steps.
import { AsyncLocalStorage } from "node:async_hooks";
import { NestedRunError } from "./errors.js";
import type { StepProgress } from "./deadline.js";

/** The run whose steps are executing, as work started by them sees it. */
interface RunningSteps {
  readonly workflow: string;
  readonly progress: StepProgress;
  /** False once the steps are over: work they left behind (a timer, say) may run workflows then. */
  active: boolean;
}

// One for every broker: a step of one broker's run calling another broker's `run` would
// escape its transaction just as well.
const runningSteps = new AsyncLocalStorage<RunningSteps>();

/**
 * Runs `steps` (a run's steps, before or in its transaction) so that a `broker.run` they
 * start is refused (see {@link refuseNestedRun}); without `refuseNestedRuns`, just runs them.
 */
export function runAsSteps<T>(
  workflow: string,
  progress: StepProgress,
  steps: () => Promise<T>,
  refuseNestedRuns: boolean,
): Promise<T> {
  // Not an async function of its own when it only calls `steps`: a promise and three
  // microtasks less per run.
  return refuseNestedRuns ? runMarkedAsSteps(workflow, progress, steps) : steps();
}

async function runMarkedAsSteps<T>(
  workflow: string,
  progress: StepProgress,
  steps: () => Promise<T>,
): Promise<T> {
  const marker: RunningSteps = { workflow, progress, active: true };
  try {
    return await runningSteps.run(marker, steps);
  } finally {
    marker.active = false;
  }
}

/**
 * Throws NestedRunError when called from a step of a run in progress: a run started there
 * would have a transaction of its own, committing behind the enclosing run's back.
 */
export function refuseNestedRun(workflow: string): void {
  const enclosing = runningSteps.getStore();
  if (enclosing?.active !== true) return;
  throw new NestedRunError({
    workflow,
    enclosingWorkflow: enclosing.workflow,
    enclosingStep: enclosing.progress.step,
  });
}

/**
 * Whether AsyncLocalStorage costs next to nothing here: from Node 24 it is built on
 * AsyncContextFrame. Before (Node 20, 22) its first use turns on promise hooks for the
 * whole process, for good: measured, a broker run took 45% more CPU with them (see
 * BrokerConfig.refuseNestedRuns).
 */
export const asyncLocalStorageIsCheap =
  Number(process.versions.node.split(".")[0]) >= 24 &&
  !process.execArgv.includes("--no-async-context-frame");

// Internal to the broker: the steps of a run that come before its transaction.
import { abortWhenCallerAborts, startDeadline } from "./deadline.js";
import { runAsSteps } from "./runGuard.js";
import { runStage, type Stage, type StageProgress } from "./runAttempt.js";

/**
 * Runs the steps marked `beforeTransaction` (CPU-heavy work, reads that must not hold a
 * connection), in order and without a transaction, and resolves with what the
 * transactional steps start from: the input merged with their outputs, and those outputs.
 * They run once per run, not again when a write conflict retries the transaction. They
 * get `timeout` milliseconds of their own, and stop when the caller aborts.
 */
export async function runBeforeTransaction<Tx>(
  stage: Stage<Tx>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ available: object; result: object }> {
  if (stage.steps.length === 0) return { available: stage.available, result: stage.result };
  const progress: StageProgress = { step: stage.steps[0]?.name, running: undefined };
  const stop = new AbortController();
  const detach = abortWhenCallerAborts(signal, stop, stage.workflow.name, progress);
  const deadline = startDeadline(timeoutMs, stop, stage.workflow.name, progress);
  try {
    const result = await runAsSteps(
      stage.workflow.name,
      progress,
      () => runStage(stage, undefined, deadline, progress),
      stage.refuseNestedRuns,
    );
    const available = { ...stage.available, ...result };
    return { available, result };
  } finally {
    detach();
    deadline.dispose();
  }
}

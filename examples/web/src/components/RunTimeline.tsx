import { useQuery } from "@apollo/client/react";
import { describeQueryError } from "../errors";
import { WorkflowRunsDocument, type WorkflowRunsQuery } from "../generated/graphql";
import { FormError } from "./FormError";

type Run = WorkflowRunsQuery["workflowRuns"][number];
type Step = Run["steps"][number];

const RUNS_SHOWN = 10;

const RUN_OUTCOMES: Record<Run["outcome"], string> = {
  COMMITTED: "committed",
  DRY_RUN: "dry run, rolled back",
  FAILED: "failed",
  TIMED_OUT: "timed out",
  ABORTED: "aborted",
  START_TIMED_OUT: "could not start",
  RETRIES_EXHAUSTED: "gave up after write conflicts",
};

const STEP_OUTCOMES: Record<Step["outcome"], string> = {
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  TIMED_OUT: "timed out",
};

function milliseconds(value: number): string {
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

function percent(part: number, whole: number): string {
  return `${whole > 0 ? Math.min(100, (part / whole) * 100) : 0}%`;
}

/** One run: a bar as long as the run took (against the longest shown), split into its steps. */
function RunBar({ run, longestMs }: { run: Run; longestMs: number }) {
  const attempts = `${run.attempts} ${run.attempts === 1 ? "attempt" : "attempts"}`;
  const summary = `${run.workflow} ${RUN_OUTCOMES[run.outcome]} in ${milliseconds(run.durationMs)}, ${attempts}`;
  return (
    <li className="run" aria-label={summary} data-outcome={run.outcome}>
      <div className="run-label">
        <strong>{run.workflow}</strong>
        <span className={`run-outcome outcome-${run.outcome}`}>{RUN_OUTCOMES[run.outcome]}</span>
        <span className="details">
          {milliseconds(run.durationMs)} · {attempts} ·{" "}
          {new Date(run.startedAt).toLocaleTimeString()}
          {run.errorCode && ` · ${run.errorCode}`}
        </span>
      </div>
      <div className="run-track">
        <div className="run-bar" style={{ width: percent(run.durationMs, longestMs) }}>
          {run.steps.map((step) => (
            <span
              key={`${step.attempt}-${step.name}`}
              className={`run-step outcome-${step.outcome}${step.attempt > 1 ? " retried" : ""}`}
              data-step={step.name}
              data-attempt={step.attempt}
              data-outcome={step.outcome}
              title={`${step.name} (attempt ${step.attempt}): ${STEP_OUTCOMES[step.outcome]}, ${milliseconds(step.durationMs)}`}
              style={{
                left: percent(step.startMs, run.durationMs),
                width: percent(step.durationMs, run.durationMs),
              }}
            >
              {step.name}
            </span>
          ))}
        </div>
      </div>
    </li>
  );
}

/**
 * The viewer's recent workflow runs as a timeline (the API keeps them in memory): each run
 * a bar split into its steps, coloured by outcome; the gaps are the transaction starting,
 * committing, and backing off between attempts.
 */
export function RunTimeline() {
  const { data, error, refetch, loading } = useQuery(WorkflowRunsDocument, {
    variables: { last: RUNS_SHOWN },
    notifyOnNetworkStatusChange: true,
  });

  if (error) return <FormError message={describeQueryError(error)} />;
  const runs = data?.workflowRuns ?? [];
  const longestMs = Math.max(0, ...runs.map((run) => run.durationMs));
  return (
    <section aria-labelledby="runs-heading" className="runs">
      <div className="runs-header">
        <h2 id="runs-heading">Recent workflow runs</h2>
        <button type="button" onClick={() => void refetch()} disabled={loading}>
          Refresh
        </button>
      </div>
      <p className="legend">
        <span className="swatch outcome-SUCCEEDED" /> step succeeded
        <span className="swatch outcome-FAILED" /> failed
        <span className="swatch outcome-TIMED_OUT" /> timed out
        <span className="swatch retried outcome-SUCCEEDED" /> retried attempt
        <span className="swatch between-steps" /> between steps
      </p>
      {!data ? (
        <p aria-busy="true">Loading runs…</p>
      ) : runs.length === 0 ? (
        <p>No runs yet.</p>
      ) : (
        <ol className="run-list" aria-label="Workflow runs">
          {runs.map((run) => (
            <RunBar key={run.runId} run={run} longestMs={longestMs} />
          ))}
        </ol>
      )}
    </section>
  );
}

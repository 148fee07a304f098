import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import type { IsolationLevel, RunOutcome, RunReport, StepOutcome } from "../broker/index.js";
import { IsolationLevelEnum } from "../graphql/index.js";

export const RunOutcomeEnum = {
  COMMITTED: "committed",
  DRY_RUN: "dry-run",
  FAILED: "failed",
  TIMED_OUT: "timed-out",
  ABORTED: "aborted",
  START_TIMED_OUT: "start-timed-out",
  RETRIES_EXHAUSTED: "retries-exhausted",
} as const satisfies Record<string, RunOutcome>;

registerEnumType(RunOutcomeEnum, {
  name: "WorkflowRunOutcome",
  description: "How a workflow run ended.",
});

export const StepOutcomeEnum = {
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  TIMED_OUT: "timed-out",
} as const satisfies Record<string, StepOutcome>;

registerEnumType(StepOutcomeEnum, {
  name: "WorkflowStepOutcome",
  description: "How one step of a run ended (TIMED_OUT also when the run was abandoned).",
});

@ObjectType("WorkflowRunStep", { description: "One step of a run, on one attempt." })
export class WorkflowRunStepType {
  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: "1, or more when a write conflict retried the transaction." })
  attempt!: number;

  @Field(() => StepOutcomeEnum)
  outcome!: StepOutcome;

  @Field(() => Float, { description: "Milliseconds from the run's start to the step's." })
  startMs!: number;

  @Field(() => Float)
  durationMs!: number;
}

@ObjectType("WorkflowRun", {
  description: "A recent run of a workflow, as the broker reported it.",
})
export class WorkflowRunType {
  @Field(() => ID)
  runId!: string;

  @Field(() => String)
  workflow!: string;

  @Field(() => RunOutcomeEnum)
  outcome!: RunOutcome;

  @Field(() => String, { nullable: true, description: "The error's code when it failed." })
  errorCode!: string | null;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Float, { description: "Until it settled, retries and back-off included." })
  durationMs!: number;

  @Field(() => IsolationLevelEnum)
  isolationLevel!: IsolationLevel;

  @Field(() => Int, {
    description: "Transactions attempted (0: it failed before its transaction).",
  })
  attempts!: number;

  @Field(() => String, { nullable: true, description: "Its OpenTelemetry trace, when traced." })
  traceId!: string | null;

  @Field(() => [WorkflowRunStepType], { description: "Every step that ran, on every attempt." })
  steps!: WorkflowRunStepType[];
}

export function toWorkflowRunType(report: RunReport): WorkflowRunType {
  return {
    runId: report.runId,
    workflow: report.workflow,
    outcome: report.outcome,
    errorCode: report.errorCode ?? null,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    isolationLevel: report.isolationLevel,
    attempts: report.attempts,
    traceId: report.traceId ?? null,
    steps: report.steps.map((step) => ({ ...step })),
  };
}

// Internal to the broker: a workflow used as a step of another, in the same transaction.
import { InvalidWorkflowError, type WorkflowStepError } from "./errors.js";
import type { UseCase } from "./types.js";
import { isDefinedWorkflow, type Workflow } from "./workflow.js";

/** How a nested workflow's failure is handled. */
export interface WorkflowStepOptions<Input, Result> {
  /**
   * Runs the nested workflow in a savepoint, and makes its failure recoverable: when one
   * of its steps throws, its own writes are rolled back (and only those), and this
   * function's result takes the place of the nested workflow's, for the steps after it and
   * in the run's result. It gets the step's failure (a WorkflowStepError naming the nested
   * step) and the nested workflow's input. Throwing from it fails the whole run.
   *
   * Without it, a failure of the nested workflow fails, and rolls back, the whole run.
   * A deadline or an abort is never recovered from.
   */
  onFailure?: (failure: WorkflowStepError, input: Input) => Result | Promise<Result>;
}

/** What the broker knows of a use case made by {@link workflowStep}. */
export interface NestedWorkflow {
  readonly workflow: Workflow<unknown, object, object>;
  readonly onFailure:
    ((failure: WorkflowStepError, input: object) => object | Promise<object>) | undefined;
}

const nestedWorkflows = new WeakMap<object, NestedWorkflow>();

/** The nested workflow behind `step`, when it was made by {@link workflowStep}. */
export function nestedWorkflowOf(step: object): NestedWorkflow | undefined {
  return nestedWorkflows.get(step);
}

/**
 * Makes `workflow` a step of another workflow: its steps run in the enclosing run's
 * transaction, in order, where this step stands; its input must be provided (by the run's
 * input or earlier steps: checked at compile time like any step's) and its result merges
 * into what later steps see. Its own transaction options do not apply (the enclosing
 * run's do), and it cannot have steps that run before the transaction. Logs, errors and
 * the catalogue name its steps `outer > inner`.
 *
 * With `onFailure` it runs in a savepoint and its failure can be recovered from (see
 * {@link WorkflowStepOptions.onFailure}); the enclosing run's result then records the
 * failure in `WorkflowRun.recovered`.
 *
 * @example
 * defineWorkflow<Registration>()("registerUser", [createUser, workflowStep(createSessionWorkflow)]);
 */
export function workflowStep<Tx, Input extends object, Result extends object>(
  workflow: Workflow<Tx, Input, Result>,
  options: WorkflowStepOptions<NoInfer<Input>, NoInfer<Result>> = {},
): UseCase<Tx, Input, Result> {
  if (!isDefinedWorkflow(workflow)) {
    throw new InvalidWorkflowError("workflowStep: the workflow must come from defineWorkflow");
  }
  const early = workflow.steps.find((step) => step.beforeTransaction === true);
  if (early) {
    throw new InvalidWorkflowError(
      `workflowStep: workflow "${workflow.name}" has step "${early.name}" that runs before ` +
        "the transaction, so it cannot run inside another workflow's transaction",
    );
  }
  const { onFailure } = options;
  if (onFailure !== undefined && typeof onFailure !== "function") {
    throw new InvalidWorkflowError(
      `workflowStep: onFailure of workflow "${workflow.name}" must be a function`,
    );
  }
  const step: UseCase<Tx, Input, Result> = Object.freeze({
    name: workflow.name,
    run(): Promise<Result> {
      return Promise.reject(
        new InvalidWorkflowError(
          `The step "${workflow.name}" is a nested workflow: the broker runs it, as a step of a workflow`,
        ),
      );
    },
  });
  nestedWorkflows.set(step, {
    workflow: workflow as unknown as Workflow<unknown, object, object>,
    onFailure: onFailure as NestedWorkflow["onFailure"],
  });
  return step;
}

/** The names of `steps` as the catalogue lists them: a nested workflow's steps as `outer > inner`. */
export function stepNames(steps: readonly UseCase<unknown, object, object>[]): string[] {
  return steps.flatMap((step) => {
    const nested = nestedWorkflowOf(step);
    if (nested === undefined) return [step.name];
    return stepNames(nested.workflow.steps).map((inner) => `${step.name} > ${inner}`);
  });
}

// Internal to the broker: defining a workflow, and reading its types back.
import type { ResultOf, SomeUseCase, TxOf, ValidatedSteps } from "./chaining.js";
import { InvalidWorkflowError } from "./errors.js";
import { checkTransactionOptions, freezeOptions } from "./options.js";
import type { TransactionOptions, UseCase } from "./types.js";
import { checkUseCase } from "./useCase.js";

/**
 * A named list of use cases that run in order in one transaction, with its transaction
 * options. Plain frozen data; only {@link defineWorkflow} makes them, and a broker runs only
 * the workflows it was created with.
 *
 * - `Tx`: the transaction client every step accepts;
 * - `Input`: what a run is given;
 * - `Result`: what a committed run returns, the merge of the steps' outputs.
 */
export interface Workflow<Tx, Input extends object, Result extends object> {
  /** Unique within a broker; names the workflow in logs, errors and the catalogue. */
  readonly name: string;
  /** The use cases, in the order they run. */
  readonly steps: readonly UseCase<Tx, object, object>[];
  /** The options given at definition (checked); unset fields come from the broker's defaults. */
  readonly options: Readonly<TransactionOptions>;
  /**
   * Carries the type parameters for the compiler only; never present at run time.
   * Contravariant in `Tx` and `Input`, covariant in `Result`.
   */
  readonly "~types"?: {
    readonly tx: (tx: Tx) => void;
    readonly input: (input: Input) => void;
    readonly result: Result;
  };
}

/** Any workflow a broker with transaction client `Tx` can run. */
export type SomeWorkflow<Tx> = Workflow<Tx, never, object>;

/** The input type of a workflow: `WorkflowInput<typeof createActivityWorkflow>`. */
export type WorkflowInput<W> =
  W extends Workflow<infer _Tx, infer Input, infer _Result> ? Input : never;

/**
 * The result type of a workflow: exactly the merge of its steps' outputs, in order, a
 * later step's key replacing an earlier one's; nothing of the input unless a step
 * returned it.
 */
export type WorkflowResult<W> =
  W extends Workflow<infer _Tx, infer _Input, infer Result> ? Result : never;

const definedWorkflows = new WeakSet<object>();

/**
 * The steps that run before the transaction come first, and at least one step runs in
 * it: a workflow is one transaction.
 */
function checkPhases(steps: readonly UseCase<unknown, object, object>[], where: string): void {
  const firstInTransaction = steps.findIndex((step) => step.beforeTransaction !== true);
  if (firstInTransaction === -1) {
    throw new InvalidWorkflowError(
      `${where}: every step runs before the transaction; a workflow needs at least one step in it`,
    );
  }
  const late = steps.slice(firstInTransaction).find((step) => step.beforeTransaction === true);
  if (late) {
    throw new InvalidWorkflowError(
      `${where}: step "${late.name}" runs before the transaction, so it must come before ` +
        `"${steps[firstInTransaction]!.name}", the first step in it`,
    );
  }
}

/** True for workflows made by {@link defineWorkflow}. */
export function isDefinedWorkflow(value: unknown): value is SomeWorkflow<unknown> {
  return typeof value === "object" && value !== null && definedWorkflows.has(value);
}

/**
 * Defines a workflow taking `Input`. Curried so that `Input` is written once and the steps'
 * types are inferred: `defineWorkflow<In>()(name, [stepA, stepB], options)`.
 *
 * Guarantees, at compile time: every step's input keys are provided, with assignable
 * types, by `Input` or by an earlier step's output (otherwise that step's slot in the list
 * becomes a `StepInputError<position, missingKeys, wrongTypeKeys>` and the call does not
 * compile); the list is not empty; the workflow's `Result` is the merge of the steps'
 * outputs, a later step's key replacing an earlier one's (`Omit<A, keyof B> & B`).
 *
 * At definition time: throws InvalidWorkflowError for an empty name, an empty or malformed
 * step list, a step that runs before the transaction placed after one that runs in it (or
 * no step in the transaction), or invalid options (see TransactionOptions), so no bad
 * workflow ever runs.
 */
export function defineWorkflow<Input extends object>() {
  return <const Steps extends readonly SomeUseCase[]>(
    name: string,
    steps: Steps & ValidatedSteps<Input, Steps>,
    options?: TransactionOptions,
  ): Workflow<TxOf<Steps>, Input, ResultOf<Steps>> => {
    if (typeof name !== "string" || name.trim() === "") {
      throw new InvalidWorkflowError("defineWorkflow: a workflow needs a non-empty name");
    }
    const where = `workflow "${name}"`;
    const list: unknown = steps;
    if (!Array.isArray(list) || list.length === 0) {
      throw new InvalidWorkflowError(`${where}: a workflow needs at least one step`);
    }
    list.forEach((step: unknown, index) => checkUseCase(step, `${where}, step ${index + 1}`));
    checkPhases(list as UseCase<unknown, object, object>[], where);
    checkTransactionOptions(options, where);

    const workflow: Workflow<TxOf<Steps>, Input, ResultOf<Steps>> = Object.freeze({
      name,
      steps: Object.freeze([...list] as UseCase<TxOf<Steps>, object, object>[]),
      options: freezeOptions(options),
    });
    definedWorkflows.add(workflow);
    return workflow;
  };
}

// Internal to the broker: defining a use case.
import { InvalidWorkflowError } from "./errors.js";
import type { BeforeTransactionContext, UseCase } from "./types.js";

/**
 * Declares a use case. With `beforeTransaction: true` it runs before the workflow's
 * transaction opens and gets no `tx` (see UseCase.beforeTransaction).
 *
 * Returns the very object it is given, typed: `Tx`, `In` and `Out` are
 * inferred from the annotations of `run` only (never from where the result goes, so a use
 * case written inline in a step list without annotations gets `unknown` and `object`), and
 * workflows check their step chains against them. Throws InvalidWorkflowError when `name` is not a non-empty string or `run` is not a
 * function.
 *
 * @example
 * export const createActivity = defineUseCase({
 *   name: "CreateActivity",
 *   async run(input: { userId: string; title: string }, { tx }: StepContext<Prisma.TransactionClient>) {
 *     const row = await tx.activity.create({ data: { ... } });
 *     return { activityId: row.id };
 *   },
 * });
 */
export function defineUseCase<In extends object, Out extends object>(useCase: {
  readonly name: string;
  readonly beforeTransaction: true;
  run(input: In, context: BeforeTransactionContext): Promise<Out>;
}): NoInfer<UseCase<unknown, In, Out>>;
export function defineUseCase<Tx, In extends object, Out extends object>(
  useCase: UseCase<Tx, In, Out>,
): NoInfer<UseCase<Tx, In, Out>>;
export function defineUseCase(useCase: UseCase<unknown, object, object>) {
  checkUseCase(useCase, "defineUseCase");
  return useCase;
}

/** Throws InvalidWorkflowError, naming `where`, unless `value` looks like a use case. */
export function checkUseCase(value: unknown, where: string): void {
  if (typeof value !== "object" || value === null) {
    throw new InvalidWorkflowError(`${where}: a use case must be an object, got ${String(value)}`);
  }
  const { name, run } = value as { name?: unknown; run?: unknown };
  if (typeof name !== "string" || name.trim() === "") {
    throw new InvalidWorkflowError(`${where}: a use case needs a non-empty name`);
  }
  if (typeof run !== "function") {
    throw new InvalidWorkflowError(`${where}: use case "${name}" has no run function`);
  }
}

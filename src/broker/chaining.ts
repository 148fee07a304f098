// Internal to the broker: the compile-time rules that chain the steps' inputs and outputs.
import type { UseCase } from "./types.js";

/** Any use case; a workflow's steps are checked one by one against the steps before them. */
export type SomeUseCase = UseCase<never, never, object>;

/** Flattens an intersection into one object type, so hovers and errors stay readable. */
type Simplify<T> = T extends infer U ? { [K in keyof U]: U[K] } : never;

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
type RequiredKeys<T> = Exclude<keyof T, OptionalKeys<T>>;

/**
 * The type of `{ ...A, ...B }`: B's keys win. For keys B always returns that is exactly
 * `Omit<A, keyof B> & B`; a key B may leave out (optional in B) keeps A's value then, so its
 * type is the union of both. When either side is `never` (a step that cannot return), so is
 * the spread: no result ever comes out of it.
 */
export type Spread<A, B> = [A] extends [never]
  ? never
  : [B] extends [never]
    ? never
    : Simplify<
        Omit<A, keyof B> &
          Pick<B, RequiredKeys<B>> &
          Pick<B, Exclude<OptionalKeys<B>, keyof A>> & {
            [K in OptionalKeys<B> & RequiredKeys<A>]: A[K] | B[K];
          } & { [K in OptionalKeys<B> & OptionalKeys<A>]?: A[K] | B[K] }
      >;

/** The transaction client type a use case needs. */
type TxOfStep<S> = S extends UseCase<infer Tx, infer _In, infer _Out> ? Tx : never;
/** The input type a use case needs. */
type InputOfStep<S> = S extends UseCase<infer _Tx, infer In, infer _Out> ? In : never;
/** The output type a use case returns. */
type OutputOfStep<S> = S extends UseCase<infer _Tx, infer _In, infer Out> ? Out : never;

/** The transaction client a workflow needs: one that every step accepts. */
export type TxOf<Steps extends readonly unknown[]> = Steps extends readonly [
  infer Head,
  ...infer Rest,
]
  ? TxOfStep<Head> & TxOf<Rest>
  : unknown;

/** What a run returns: the steps' outputs merged in order, later steps winning (see {@link Spread}). */
export type ResultOf<Steps extends readonly unknown[], Acc = object> = Steps extends readonly [
  infer Head,
  ...infer Rest,
]
  ? ResultOf<Rest, Spread<Acc, OutputOfStep<Head>>>
  : Acc;

/** Keys a step needs that are not available at all. */
type MissingKeys<Available, In> = Exclude<RequiredKeys<In>, keyof Available>;
/** Keys available with a type the step does not accept. */
type WrongTypeKeys<Available, In> = {
  [K in keyof In & keyof Available]-?: Available[K] extends In[K] ? never : K;
}[keyof In & keyof Available];

/**
 * What a step's slot becomes when its input cannot be satisfied: the compiler then reports
 * the offending step by position, with the keys that are missing or have the wrong type.
 */
export interface StepInputError<
  Position extends number,
  Missing extends PropertyKey,
  WrongType extends PropertyKey,
> {
  readonly error: `Step ${Position} needs input that neither the workflow input nor an earlier step provides`;
  readonly missingKeys: Missing;
  readonly wrongTypeKeys: WrongType;
}

type CheckStep<Available, Step, Position extends number> = [
  MissingKeys<Available, InputOfStep<Step>>,
  WrongTypeKeys<Available, InputOfStep<Step>>,
] extends [never, never]
  ? Step
  : StepInputError<
      Position,
      MissingKeys<Available, InputOfStep<Step>>,
      WrongTypeKeys<Available, InputOfStep<Step>>
    >;

/**
 * The steps as given when every step's input is available (from the workflow input and the
 * outputs of the steps before it, with the same types); otherwise each unsatisfied step's
 * slot is a {@link StepInputError}. An empty list is an error too.
 */
export type ValidatedSteps<Input, Steps extends readonly unknown[]> = Steps extends readonly []
  ? StepListError<"A workflow needs at least one step">
  : number extends Steps["length"]
    ? StepListError<"List the steps inline as an array literal, so their order is known">
    : CheckSteps<Input, Steps, []>;

type CheckSteps<
  Available,
  Steps extends readonly unknown[],
  Seen extends unknown[],
> = Steps extends readonly [infer Head, ...infer Rest]
  ? readonly [
      CheckStep<Available, Head, [...Seen, Head]["length"]>,
      ...CheckSteps<Spread<Available, OutputOfStep<Head>>, Rest, [...Seen, Head]>,
    ]
  : readonly [];

/** What a step list becomes when it cannot be a workflow at all. */
export interface StepListError<Message extends string> {
  readonly error: Message;
}

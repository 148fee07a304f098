import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLResolveInfo } from "graphql";
import { Arg } from "type-graphql";
import type { RunOptions, Workflow } from "../broker/index.js";
import type { TransactionClient } from "../db/index.js";
import { AppError } from "../errors/index.js";
import { idempotencyKeyFor } from "../idempotency/index.js";
import type { RequestContext } from "./context.js";

/** The mutation's result holds a secret the server never stores, so it cannot be replayed. */
export class IdempotencyKeyUnsupportedError extends AppError {
  override readonly name = "IdempotencyKeyUnsupportedError";
  readonly code = "IDEMPOTENCY_KEY_UNSUPPORTED";
  constructor(field: string) {
    super(
      `${field} takes no Idempotency-Key: its result holds a session token, which the server ` +
        "never stores, so it cannot be replayed. Send it without the header; nothing ran.",
    );
  }
  override get httpStatus() {
    return { status: 400 };
  }
}

/** The `dryRun: Boolean = false` argument every mutation takes. */
export function DryRunArg(): ReturnType<typeof Arg> {
  return Arg("dryRun", () => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      "Run every step against the real rules and data, return the result it would have " +
      "committed, and roll back: nothing is saved and no e-mail is sent " +
      "(`extensions.dryRun: true`). Steps outside the transaction, such as rate limits, still count.",
  });
}

/** How a mutation runs its workflow. */
export interface WorkflowCall {
  /** The mutation's `dryRun` argument: run every step, return the result, commit nothing. */
  dryRun?: boolean | null;
  /**
   * False for a workflow whose result must never be stored (it holds a session token): a
   * request with an Idempotency-Key is then refused with IDEMPOTENCY_KEY_UNSUPPORTED.
   */
  replayable?: boolean;
}

/**
 * Runs a mutation's workflow as the request asks: stopped when the client leaves, as a dry
 * run when `dryRun` is true, and once per Idempotency-Key (the caller must be signed in;
 * a repeat returns the stored result). Resolves with the workflow's result.
 */
export async function runWorkflow<Input extends object, Result extends object>(
  context: RequestContext,
  info: GraphQLResolveInfo,
  workflow: Workflow<TransactionClient, Input, Result>,
  input: NoInfer<Input>,
  call: WorkflowCall = {},
): Promise<Result> {
  const dryRun = call.dryRun === true;
  // Looked up once per request (memoized); anonymous requests have no token to look up.
  const caller = (await context.viewer())?.userId;
  const options: RunOptions = { signal: context.signal, dryRun, caller };
  // A dry run stores nothing, so it has nothing to replay: its key is not used.
  if (context.idempotencyKey !== undefined && !dryRun) {
    if (call.replayable === false) throw new IdempotencyKeyUnsupportedError(info.fieldName);
    if (caller === undefined) await context.requireViewer(); // throws UNAUTHENTICATED, saying why
    options.idempotency = idempotencyKeyFor(
      context.idempotencyKey,
      caller!,
      String(info.path.key),
      context.request,
    );
  }
  const run = await context.broker.run(workflow, input, options);
  if (run.replayed) context.response.idempotentReplay = true;
  if (run.dryRun) context.response.dryRun = true;
  return run.output;
}

/**
 * Says in the response what the resolvers noted: `extensions.idempotentReplay: true` (and
 * the header `Idempotent-Replayed: true`) when a mutation returned a stored result, and
 * `extensions.dryRun: true` when a mutation was a dry run.
 */
export function responseExtensions(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const { idempotentReplay, dryRun } = contextValue.response;
          if (!idempotentReplay && !dryRun) return;
          if (idempotentReplay) response.http.headers.set("idempotent-replayed", "true");
          if (response.body.kind !== "single") return;
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            ...(idempotentReplay && { idempotentReplay: true }),
            ...(dryRun && { dryRun: true }),
          };
        },
      };
    },
  };
}

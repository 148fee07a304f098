import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import { BadUserInputError } from "../errors/index.js";
import type { RequestContext } from "../graphql/index.js";
import type { RunHistory } from "./runHistory.js";
import { toWorkflowRunType, WorkflowRunType } from "./workflowRun.type.js";

export const WORKFLOW_RUNS_MAX = 100;
const WORKFLOW_RUNS_DEFAULT = 20;

/** What the run view's query needs in the request context. */
export interface ObservabilityContext extends RequestContext {
  runHistory: RunHistory;
}

@Resolver()
export class WorkflowRunsResolver {
  @Query(() => [WorkflowRunType], {
    description: `The signed-in user's recent workflow runs (kept in memory by this API process), newest first. last: 1-${WORKFLOW_RUNS_MAX}.`,
  })
  async workflowRuns(
    @Arg("last", () => Int, { nullable: true, defaultValue: WORKFLOW_RUNS_DEFAULT })
    last: number | null,
    @Ctx() { runHistory, requireViewer }: ObservabilityContext,
  ): Promise<WorkflowRunType[]> {
    const count = last ?? WORKFLOW_RUNS_DEFAULT;
    if (!Number.isInteger(count) || count < 1 || count > WORKFLOW_RUNS_MAX) {
      throw new BadUserInputError(
        "last",
        `last must be a whole number from 1 to ${WORKFLOW_RUNS_MAX}.`,
      );
    }
    const { userId } = await requireViewer();
    return runHistory.recent(userId, count).map(toWorkflowRunType);
  }
}

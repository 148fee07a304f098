import { Ctx, Query, Resolver } from "type-graphql";
import type { RequestContext } from "./context.js";
import { toWorkflowType, WorkflowType } from "./workflow.type.js";

@Resolver()
export class WorkflowResolver {
  @Query(() => [WorkflowType], {
    description: "Every named workflow, its steps and transaction options.",
  })
  workflows(@Ctx() { broker }: RequestContext): WorkflowType[] {
    return broker.listWorkflows().map(toWorkflowType);
  }
}

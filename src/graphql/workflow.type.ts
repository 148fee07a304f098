import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import type { IsolationLevel, WorkflowDescription } from "../broker/index.js";

export const IsolationLevelEnum = {
  ReadUncommitted: "ReadUncommitted",
  ReadCommitted: "ReadCommitted",
  RepeatableRead: "RepeatableRead",
  Serializable: "Serializable",
} as const satisfies Record<IsolationLevel, IsolationLevel>;

registerEnumType(IsolationLevelEnum, {
  name: "IsolationLevel",
  description: "PostgreSQL transaction isolation levels.",
});

@ObjectType("WorkflowOptions", { description: "The transaction options a workflow runs with." })
export class WorkflowOptionsType {
  @Field(() => IsolationLevelEnum)
  isolationLevel!: IsolationLevel;

  @Field(() => Int, { description: "Deadline for the whole transaction, in milliseconds." })
  timeoutMs!: number;

  @Field(() => Int, {
    description: "Longest wait for a connection to start the transaction, in milliseconds.",
  })
  maxWaitMs!: number;

  @Field(() => Int, {
    description: "Attempts made when the transaction hits a write conflict or deadlock.",
  })
  maxAttempts!: number;
}

@ObjectType("Workflow", {
  description: "A named workflow: use cases run in order in one transaction.",
})
export class WorkflowType {
  @Field(() => String)
  name!: string;

  @Field(() => [String], { description: "The use cases, in the order they run." })
  steps!: string[];

  @Field(() => WorkflowOptionsType)
  options!: WorkflowOptionsType;
}

export function toWorkflowType(description: WorkflowDescription): WorkflowType {
  return {
    name: description.name,
    steps: [...description.steps],
    options: {
      isolationLevel: description.options.isolationLevel,
      timeoutMs: description.options.timeout,
      maxWaitMs: description.options.maxWait,
      maxAttempts: description.options.retry.maxAttempts,
    },
  };
}

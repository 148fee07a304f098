import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { DateTimeResolver } from "graphql-scalars";
import { buildSchema } from "type-graphql";
import { AccountResolver } from "./account.resolver.js";
import { ActivityResolver } from "./activity.resolver.js";
import { UserResolver } from "./user.resolver.js";
import { WorkflowResolver } from "./workflow.resolver.js";

/** Builds the API's GraphQL schema from the resolver classes. Inputs are validated with class-validator. */
export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [AccountResolver, ActivityResolver, UserResolver, WorkflowResolver],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
  });
}

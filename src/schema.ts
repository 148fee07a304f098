import "reflect-metadata";
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { DateTimeResolver } from "graphql-scalars";
import { buildSchema } from "type-graphql";
import { AccountResolver, UserSettingsResolver } from "./accounts/index.js";
import { ActivityResolver, UserActivityResolver } from "./activities/index.js";
import { validateArgument, WorkflowResolver } from "./graphql/index.js";
import { WorkflowRunsResolver } from "./observability/index.js";

/** Builds the API's GraphQL schema from the features' resolvers. Inputs are validated with class-validator (validateArgument). */
export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      AccountResolver,
      UserSettingsResolver,
      ActivityResolver,
      UserActivityResolver,
      WorkflowResolver,
      WorkflowRunsResolver,
    ],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validateFn: validateArgument,
  });
}

export const SCHEMA_FILE_HEADER =
  "# The Activelog API's GraphQL schema, emitted from the code by `npm run schema` (sorted).\n" +
  "# Do not edit: change the features' resolvers and types (src/accounts, src/activities), then run `npm run schema && npm run codegen`.\n\n";

/** The schema the code builds, printed in a stable (sorted) order, as committed in schema.graphql. */
export async function printApiSchema(): Promise<string> {
  return (
    SCHEMA_FILE_HEADER + printSchema(lexicographicSortSchema(await buildGraphQLSchema())) + "\n"
  );
}

import { lexicographicSortSchema, printSchema } from "graphql";
import { buildGraphQLSchema } from "./schema.js";

export const SCHEMA_FILE_HEADER =
  "# The Activelog API's GraphQL schema, emitted from the code by `npm run schema` (sorted).\n" +
  "# Do not edit: change the resolvers and types in src/graphql, then run `npm run schema && npm run codegen`.\n\n";

/** The schema the code builds, printed in a stable (sorted) order, as committed in schema.graphql. */
export async function printApiSchema(): Promise<string> {
  return (
    SCHEMA_FILE_HEADER + printSchema(lexicographicSortSchema(await buildGraphQLSchema())) + "\n"
  );
}

import { readFile } from "node:fs/promises";
import { buildSchema, isRequiredArgument, type GraphQLObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { printApiSchema } from "../../src/schema.js";

describe("schema.graphql", () => {
  it("is exactly the schema the code builds (run `npm run schema && npm run codegen` after changing it)", async () => {
    const committed = await readFile("schema.graphql", "utf8");
    expect(committed).toBe(await printApiSchema());
  });

  it("keeps the contract clients depend on: the same fields, types and required arguments", async () => {
    const schema = buildSchema(await printApiSchema());
    const contract: [
      GraphQLObjectType | null | undefined,
      string,
      string,
      Record<string, string>,
    ][] = [
      [
        schema.getMutationType(),
        "registerUser",
        "RegisterUserPayload!",
        { input: "RegisterUserInput!" },
      ],
      [schema.getMutationType(), "login", "LoginPayload!", { input: "LoginInput!" }],
      [
        schema.getMutationType(),
        "createActivity",
        "CreateActivityPayload!",
        { input: "CreateActivityInput!" },
      ],
      [
        schema.getMutationType(),
        "updateSettings",
        "UpdateSettingsPayload!",
        { input: "UpdateSettingsInput!" },
      ],
      [schema.getQueryType(), "activities", "ActivityConnection!", {}],
      [schema.getQueryType(), "me", "User", {}],
      [schema.getQueryType(), "workflows", "[Workflow!]!", {}],
    ];
    for (const [type, name, returns, requiredArgs] of contract) {
      const field = type?.getFields()[name];
      expect(String(field?.type), name).toBe(returns);
      // Arguments added since are optional: a client that does not send them still works.
      const required = Object.fromEntries(
        (field?.args ?? [])
          .filter((arg) => isRequiredArgument(arg))
          .map((arg) => [arg.name, String(arg.type)]),
      );
      expect(required, name).toEqual(requiredArgs);
    }
    const activities = schema.getQueryType()?.getFields().activities;
    expect(activities?.args.map((arg) => [arg.name, String(arg.type), arg.defaultValue])).toEqual([
      ["after", "String", undefined],
      ["first", "Int", 20],
    ]);
  });
});

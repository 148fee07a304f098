import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { printApiSchema } from "../../src/schema.js";

describe("schema.graphql", () => {
  it("is exactly the schema the code builds (run `npm run schema && npm run codegen` after changing it)", async () => {
    const committed = await readFile("schema.graphql", "utf8");
    expect(committed).toBe(await printApiSchema());
  });

  it("keeps the contract clients depend on", async () => {
    const schema = await printApiSchema();
    for (const line of [
      "registerUser(input: RegisterUserInput!): RegisterUserPayload!",
      "login(input: LoginInput!): LoginPayload!",
      "createActivity(input: CreateActivityInput!): CreateActivityPayload!",
      "updateSettings(input: UpdateSettingsInput!): UpdateSettingsPayload!",
      "activities(after: String, first: Int = 20): ActivityConnection!",
      "me: User",
      "workflows: [Workflow!]!",
    ]) {
      expect(schema).toContain(line);
    }
  });
});

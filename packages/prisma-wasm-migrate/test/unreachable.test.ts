import { PrismaPg } from "@prisma/adapter-pg";
import { describe, expect, it } from "vitest";
import { applyPendingMigrations, DatabaseUnreachableError } from "../src/index.js";
import { fixtureCommands, fixturePaths } from "./helpers/migrationFolders.js";

describe("migrating a database that cannot be reached", () => {
  it("names the database, in Prisma's words for the failure, when its adapter cannot connect", async () => {
    const factory = new PrismaPg({
      connectionString: "postgresql://postgres:s3cret@127.0.0.1:1/x",
    });
    await expect(
      applyPendingMigrations(factory, fixturePaths, {
        commands: fixtureCommands,
        databaseDescription: "the test server",
      }),
    ).rejects.toThrow(
      new DatabaseUnreachableError(
        "Cannot reach the test server: Can't reach database server at 127.0.0.1:1",
      ),
    );
  });
});

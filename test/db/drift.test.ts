import { describe, expect, it } from "vitest";
import { diffMigrationsToSchema } from "@activelog/prisma-wasm-migrate";
import { dataDirTemplateArchive } from "../../src/db/embedded/dataDirTemplate.js";
import { migrationPaths } from "../../src/db/index.js";

describe("schema drift", () => {
  it("finds no difference between prisma/schema.prisma and prisma/migrations", async () => {
    const missingMigration = await diffMigrationsToSchema(migrationPaths, {
      blankDataDirArchive: dataDirTemplateArchive(),
    });
    expect(
      missingMigration,
      "schema.prisma has changes no migration makes: run npm run db:migration -- <name>",
    ).toBeNull();
  });
});

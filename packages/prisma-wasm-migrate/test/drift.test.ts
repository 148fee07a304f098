import { readFile, writeFile } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { diffMigrationsToSchema } from "../src/index.js";
import { blankDataDirArchive } from "./helpers/databases.js";
import { copyOfMigrations, type MigrationFolder } from "./helpers/migrationFolders.js";

/** The scratch databases a diff runs on start from the run's blank archive (globalSetup.ts). */
const scratch = { blankDataDirArchive: blankDataDirArchive() };

describe("diffMigrationsToSchema", () => {
  const folders: MigrationFolder[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => folder.remove()));
  });

  it("reports the SQL a schema change needs when no migration covers it", async () => {
    const folder = await copyOfMigrations();
    folders.push(folder);
    const schema = await readFile(folder.paths.schemaPath, "utf8");
    await writeFile(
      folder.paths.schemaPath,
      schema.replace(/(model Post \{\n)/, `$1  summary   String?\n`),
    );

    const missingMigration = await diffMigrationsToSchema(folder.paths, scratch);

    expect(missingMigration).toMatch(/ALTER TABLE "posts" ADD COLUMN\s+"summary" TEXT;/);
  });

  it("reports a migration that the schema does not have", async () => {
    const folder = await copyOfMigrations({
      "20990101000000_add_notes": `CREATE TABLE "notes" ("id" INTEGER NOT NULL);\n`,
    });
    folders.push(folder);

    expect(await diffMigrationsToSchema(folder.paths, scratch)).toMatch(/DROP TABLE "notes";/);
  });
});

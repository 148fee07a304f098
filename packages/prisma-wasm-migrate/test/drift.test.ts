import { readFile, writeFile } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { diffMigrationsToSchema } from "@activelog/prisma-wasm-migrate";
import { migrationPaths } from "../../src/db/migrationSetup.js";
import { copyOfMigrations, type MigrationFolder } from "../helpers/migrationFolders.js";

describe("schema drift", () => {
  const folders: MigrationFolder[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => folder.remove()));
  });

  it("finds no difference between prisma/schema.prisma and prisma/migrations", async () => {
    const missingMigration = await diffMigrationsToSchema(migrationPaths);
    expect(
      missingMigration,
      "schema.prisma has changes no migration makes: run npm run db:migration -- <name>",
    ).toBeNull();
  });

  it("reports the SQL a schema change needs when no migration covers it", async () => {
    const folder = await copyOfMigrations();
    folders.push(folder);
    const schema = await readFile(folder.paths.schemaPath, "utf8");
    await writeFile(
      folder.paths.schemaPath,
      schema.replace(
        /(model OutboxMessage \{\n)/,
        `$1  lastError    String?   @map("last_error")\n`,
      ),
    );

    const missingMigration = await diffMigrationsToSchema(folder.paths);

    expect(missingMigration).toMatch(
      /ALTER TABLE "outbox_messages" ADD COLUMN\s+"last_error" TEXT;/,
    );
  });

  it("reports a migration that the schema does not have", async () => {
    const folder = await copyOfMigrations({
      "20990101000000_add_notes": `CREATE TABLE "notes" ("id" INTEGER NOT NULL);\n`,
    });
    folders.push(folder);

    expect(await diffMigrationsToSchema(folder.paths)).toMatch(/DROP TABLE "notes";/);
  });
});

import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  applyPendingMigrations,
  createMigration,
  diffMigrationsToSchema,
  MigrationNameInvalidError,
} from "../src/index.js";
import { blankDataDirArchive, createEmptyDatabase } from "./helpers/databases.js";
import {
  copyOfMigrations,
  fixtureCommands,
  type MigrationFolder,
} from "./helpers/migrationFolders.js";

const NOW = new Date("2099-03-04T05:06:07.890Z");

async function addSummaryColumn(folder: MigrationFolder): Promise<void> {
  const schema = await readFile(folder.paths.schemaPath, "utf8");
  await writeFile(
    folder.paths.schemaPath,
    schema.replace(/(model Post \{\n)/, `$1  summary   String?\n`),
  );
}

async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

/** The scratch databases a diff runs on start from the run's blank archive (globalSetup.ts). */
const scratch = { blankDataDirArchive: blankDataDirArchive() };

/** createMigration on a copy of the fixture. */
function create(name: string, migrations: MigrationFolder, now?: Date) {
  return createMigration(name, { ...scratch, paths: migrations.paths, now });
}

describe("createMigration", () => {
  const folders: MigrationFolder[] = [];
  afterEach(async () => {
    await Promise.all(folders.splice(0).map((folder) => folder.remove()));
  });
  async function folder(options?: { withMigrations?: boolean }): Promise<MigrationFolder> {
    const created = await copyOfMigrations({}, options);
    folders.push(created);
    return created;
  }

  it("writes <UTC timestamp>_<name>/migration.sql with the SQL the schema change needs", async () => {
    const migrations = await folder();
    await addSummaryColumn(migrations);

    const created = await create("add_summary", migrations, NOW);

    expect(created).toMatchObject({
      migrationName: "20990304050607_add_summary",
      path: join(migrations.paths.migrationsDir, "20990304050607_add_summary", "migration.sql"),
    });
    const written = await readFile(created!.path, "utf8");
    expect(written).toBe(created!.script);
    expect(written).toMatch(/^-- AlterTable\nALTER TABLE "posts" ADD COLUMN\s+"summary" TEXT;\n$/);
    expect(await diffMigrationsToSchema(migrations.paths, scratch)).toBeNull();
  });

  it("writes a migration that applies cleanly after the existing ones", async () => {
    const migrations = await folder();
    await addSummaryColumn(migrations);
    const created = await create("add_summary", migrations, NOW);
    const database = await createEmptyDatabase("PGlite");
    try {
      const { appliedMigrationNames } = await applyPendingMigrations(
        database.adapterFactory,
        migrations.paths,
        { commands: fixtureCommands },
      );
      expect(appliedMigrationNames.at(-1)).toBe(created!.migrationName);
      await database.query(
        `WITH author AS (INSERT INTO "authors" ("name") VALUES ('Ada') RETURNING "id")
         INSERT INTO "posts" ("title", "author_id", "summary")
         SELECT 'Notes', "id", 'on the engine' FROM author`,
      );
    } finally {
      await database.destroy();
    }
  });

  it("writes nothing when schema.prisma and the migrations agree", async () => {
    const migrations = await folder();
    const before = await listFiles(migrations.paths.migrationsDir);

    expect(await create("nothing_to_do", migrations, NOW)).toBeNull();

    expect(await listFiles(migrations.paths.migrationsDir)).toEqual(before);
  });

  it("rejects a name that is not snake_case, writing nothing", async () => {
    const migrations = await folder();
    await addSummaryColumn(migrations);
    const before = await listFiles(migrations.paths.migrationsDir);

    for (const name of ["", "Add Users", "add-users", "1st", "drop;table", "a".repeat(201)]) {
      await expect(create(name, migrations)).rejects.toThrow(MigrationNameInvalidError);
    }
    expect(await listFiles(migrations.paths.migrationsDir)).toEqual(before);
  });

  it("starts an empty migrations folder with migration_lock.toml and a first migration", async () => {
    const migrations = await folder({ withMigrations: false });

    const created = await create("init", migrations, NOW);

    expect(await listFiles(migrations.paths.migrationsDir)).toEqual([
      "20990304050607_init",
      "20990304050607_init/migration.sql",
      "migration_lock.toml",
    ]);
    expect(
      await readFile(join(migrations.paths.migrationsDir, "migration_lock.toml"), "utf8"),
    ).toContain('provider = "postgresql"');
    expect(created!.script).toContain(`CREATE TABLE "authors"`);
    expect(await diffMigrationsToSchema(migrations.paths, scratch)).toBeNull();
  });

  it("names the migration after the newest existing one when the clock is behind", async () => {
    const migrations = await folder();
    await migrations.writeMigration("20990304050607_from_the_future", "SELECT 1;\n");
    await addSummaryColumn(migrations);

    const created = await create("add_summary", migrations, new Date("2001-01-01T00:00:00Z"));

    expect(created?.migrationName).toBe("20990304050608_add_summary");
  });
});

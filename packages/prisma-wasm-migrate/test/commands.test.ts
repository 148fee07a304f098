/**
 * The two commands (migrate, create migration) run in-process through the function a
 * process runs (`execute`, as `runAsProcess` does): their arguments, output and exit codes.
 * The project's side is the fixture's: its paths, its commands' names, a PostgreSQL target.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createMigrationCommand,
  execute,
  migrateCommand,
  type Command,
  type MigrationTarget,
} from "../src/index.js";
import {
  blankDataDirArchive,
  createPostgresDatabase,
  postgresAdapterFactory,
} from "./helpers/databases.js";
import {
  copyOfMigrations,
  fixtureCommands,
  fixturePaths,
  type MigrationFolder,
} from "./helpers/migrationFolders.js";

interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The PostgreSQL database at TEST_URL, as a project's `target` gives it. */
function testTarget(env: NodeJS.ProcessEnv): MigrationTarget {
  const url = env.TEST_URL!;
  return {
    description: `test database ${url}`,
    open: async () => ({ adapterFactory: postgresAdapterFactory(url), close: async () => {} }),
  };
}

const migrate = migrateCommand({
  commands: fixtureCommands,
  paths: fixturePaths,
  targetHelp: "Applies pending migrations to the database TEST_URL names.",
  target: testTarget,
});
const createMigration = createMigrationCommand({
  commands: fixtureCommands,
  paths: fixturePaths,
  blankDataDirArchive: blankDataDirArchive(),
});

/** Runs `command` with `args` and only the environment `env`. */
async function run(
  command: Command,
  args: string[],
  env: Record<string, string>,
): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const exitCode = await execute(command, {
    args,
    env,
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
  });
  return { exitCode, stdout, stderr };
}

describe("the migrate command", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
  });

  it("names a failing migration, refuses to continue past it, and resumes once it is resolved", async () => {
    const database = await createPostgresDatabase();
    cleanups.push(() => database.drop());
    const folder = await copyOfMigrations({
      "20990101000000_broken": `ALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;\n`,
    });
    cleanups.push(() => folder.remove());
    const dirArgs = ["--migrations-dir", folder.paths.migrationsDir];
    const env = { TEST_URL: database.url };

    const failed = await run(migrate, dirArgs, env);
    const refused = await run(migrate, dirArgs, env);
    await folder.writeMigration("20990101000000_broken", `CREATE TABLE "fixed" ("id" INTEGER);\n`);
    const resolved = await run(
      migrate,
      [...dirArgs, "--rolled-back", "20990101000000_broken"],
      env,
    );
    const resumed = await run(migrate, dirArgs, env);

    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(
      /^Error \[MIGRATION_FAILED\]: Migration 20990101000000_broken failed: relation "no_such_table" does not exist/,
    );
    expect(failed.stderr).not.toMatch(/^\s+at /m);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /^Error \[FAILED_MIGRATION_IN_DATABASE\]: Migration 20990101000000_broken failed in an earlier run/,
    );
    expect(resolved).toMatchObject({ exitCode: 0, stderr: "" });
    expect(resolved.stdout).toContain("Marked 20990101000000_broken as rolled back");
    expect(resumed).toMatchObject({ exitCode: 0, stderr: "" });
    expect(resumed.stdout).toContain("Applied 1 migration:\n  20990101000000_broken\n");
  });

  it("exits with 2 and the usage on an unknown option", async () => {
    const outcome = await run(migrate, ["--bogus"], {});
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain(`Usage: ${fixtureCommands.migrate}`);
  });
});

describe("the create-migration command", () => {
  const folders: MigrationFolder[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => folder.remove()));
  });
  async function folderArgs(name: string, folder: MigrationFolder): Promise<string[]> {
    folders.push(folder);
    const { migrationsDir, schemaPath } = folder.paths;
    return [name, "--migrations-dir", migrationsDir, "--schema", schemaPath];
  }

  it("says there is nothing to do, and writes nothing, when the schema has no changes", async () => {
    const folder = await copyOfMigrations();
    const before = await folder.migrationNames();

    const outcome = await run(createMigration, await folderArgs("add_nothing", folder), {});

    expect(outcome).toMatchObject({ exitCode: 0, stderr: "" });
    expect(outcome.stdout).toContain("already agree. Nothing written.");
    expect(await folder.migrationNames()).toEqual(before);
  });

  it("writes the next migration when the schema has changed", async () => {
    const folder = await copyOfMigrations();
    const schema = await readFile(folder.paths.schemaPath, "utf8");
    await writeFile(
      folder.paths.schemaPath,
      schema.replace(/(model Post \{\n)/, `$1  summary String?\n`),
    );

    const outcome = await run(createMigration, await folderArgs("add_summary", folder), {});

    expect(outcome).toMatchObject({ exitCode: 0, stderr: "" });
    const created = (await folder.migrationNames()).at(-1)!;
    expect(created).toMatch(/^\d{14}_add_summary$/);
    const script = await readFile(
      join(folder.paths.migrationsDir, created, "migration.sql"),
      "utf8",
    );
    expect(outcome.stdout).toContain(`${created}/migration.sql:\n\n${script.trimEnd()}\n`);
  });

  it("exits with 1 on an invalid name and with 2 without one", async () => {
    const invalid = await run(createMigration, ["Add Users"], {});
    const missing = await run(createMigration, [], {});

    expect(invalid.exitCode).toBe(1);
    expect(invalid.stderr).toMatch(
      /^Error \[MIGRATION_NAME_INVALID\]: Invalid migration name "Add Users"/,
    );
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("Missing the migration's name.");
  });
});

/**
 * The commands behind `npm run db:migrate` and `npm run db:migration`: their arguments,
 * output and exit codes, run in-process through the same function the process runs
 * (runAsProcess in packages/prisma-wasm-migrate). Two tests run `node dist/db/cli/migrate.js` as a
 * person does, for what only a process shows: its exit code, and that it ends by itself.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { execute, type Command } from "@activelog/prisma-wasm-migrate";
import { createMigration, migrate } from "../../src/db/cli/commands.js";
import { projectRoot } from "../helpers/buildProject.js";
import { copyOfMigrations, type MigrationFolder } from "../helpers/migrationFolders.js";
import { testDatabaseUrl, withAdminClient } from "../helpers/testDatabases.js";

interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const COMMANDS: Record<"migrate" | "createMigration", Command> = { migrate, createMigration };

/** Runs a command in-process with `args` and only the environment `env` (no DATABASE_URL unless given). */
async function command(
  name: keyof typeof COMMANDS,
  args: string[],
  env: Record<string, string>,
): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const exitCode = await execute(COMMANDS[name], {
    args,
    env,
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
  });
  return { exitCode, stdout, stderr };
}

interface ProcessOutcome extends Outcome {
  /** Milliseconds from the command's last line of output to the process's exit. */
  lingeredMs: number;
}

/** Runs `node dist/db/cli/migrate.js` (built by globalSetup) in a process of its own. */
function migrateProcess(env: Record<string, string>): Promise<ProcessOutcome> {
  const child = spawn(process.execPath, [join(projectRoot, "dist/db/cli/migrate.js")], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, ...env },
  });
  let stdout = "";
  let stderr = "";
  let lastOutputAt = performance.now();
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    lastOutputAt = performance.now();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    lastOutputAt = performance.now();
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) =>
      resolve({
        exitCode: code ?? -1,
        stdout,
        stderr,
        lingeredMs: performance.now() - lastOutputAt,
      }),
    );
  });
}

describe("npm run db:migrate", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
  });

  async function emptyPostgresDatabase(): Promise<string> {
    const name = `activelog_test_cli_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
    cleanups.push(() =>
      withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
    );
    const url = new URL(testDatabaseUrl(name));
    url.password = "s3cret"; // trust auth ignores it; the output must not show it
    return url.toString();
  }
  async function scratchDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "activelog-cli-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }
  async function migrations(extra: Record<string, string> = {}): Promise<MigrationFolder> {
    const folder = await copyOfMigrations(extra);
    cleanups.push(() => folder.remove());
    return folder;
  }

  it("migrates the PostgreSQL database DATABASE_URL names, then reports it up to date", async () => {
    const url = await emptyPostgresDatabase();
    const [init] = await (await migrations()).migrationNames();

    const first = await command("migrate", [], { DATABASE_URL: url });
    const second = await command("migrate", [], { DATABASE_URL: url });

    expect(first).toMatchObject({ exitCode: 0, stderr: "" });
    expect(first.stdout).toContain(`Migrating the PostgreSQL at ${url.replace("s3cret", "***")}`);
    expect(first.stdout).toMatch(new RegExp(`Applied \\d+ migrations?:\\n  ${init}\\n`));
    expect(second).toMatchObject({ exitCode: 0, stderr: "" });
    expect(second.stdout).toMatch(/Up to date: all \d+ migrations? already applied\./);
    expect(first.stdout + second.stdout).not.toContain("s3cret");
  });

  it("migrates the embedded database in PGLITE_DATA_DIR when DATABASE_URL is not set", async () => {
    const dataDir = join(await scratchDir(), "pglite");

    const first = await command("migrate", [], { PGLITE_DATA_DIR: dataDir });
    const second = await command("migrate", [], { PGLITE_DATA_DIR: dataDir });

    expect(first).toMatchObject({ exitCode: 0, stderr: "" });
    expect(first.stdout).toContain(`Migrating the embedded PGlite database at ${dataDir}`);
    expect(first.stdout).toMatch(/Applied \d+ migrations?:/);
    expect(second.stdout).toMatch(/Up to date/);
    expect(await readdir(dataDir)).toContain("PG_VERSION");
  });

  it("runs as a process that exits 0 as soon as its work is done", async () => {
    const url = await emptyPostgresDatabase();
    const outcome = await migrateProcess({ DATABASE_URL: url });
    expect(outcome).toMatchObject({ exitCode: 0, stderr: "" });
    expect(outcome.stdout).toMatch(/Applied \d+ migrations?:/);
    // Usually a few milliseconds; the schema engine alone would hold a process 10 s.
    expect(outcome.lingeredMs).toBeLessThan(5_000);
  });

  it("runs as a process that exits 1 with one line when the database cannot be reached", async () => {
    const outcome = await migrateProcess({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/x" });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toMatch(/^Error \[DATABASE_UNREACHABLE\]: [^\n]*\n$/);
  });

  it("exits with 1 and one clear line when the database cannot be reached", async () => {
    const outcome = await command("migrate", [], {
      DATABASE_URL: "postgresql://postgres:s3cret@127.0.0.1:1/x",
    });

    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toBe(
      "Error [DATABASE_UNREACHABLE]: Cannot reach the PostgreSQL at " +
        "postgresql://postgres:***@127.0.0.1:1/x: Can't reach database server at 127.0.0.1:1\n",
    );
  });

  it("names a failing migration, refuses to continue past it, and resumes once it is resolved", async () => {
    const url = await emptyPostgresDatabase();
    const folder = await migrations({
      "20990101000000_broken": `ALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;\n`,
    });
    const dirArgs = ["--migrations-dir", folder.paths.migrationsDir];
    const env = { DATABASE_URL: url };

    const failed = await command("migrate", dirArgs, env);
    const refused = await command("migrate", dirArgs, env);
    await folder.writeMigration("20990101000000_broken", `CREATE TABLE "fixed" ("id" INTEGER);\n`);
    const resolved = await command(
      "migrate",
      [...dirArgs, "--rolled-back", "20990101000000_broken"],
      env,
    );
    const resumed = await command("migrate", dirArgs, env);

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
    const outcome = await command("migrate", ["--bogus"], {});
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("Usage: npm run db:migrate");
  });
});

describe("npm run db:migration", () => {
  const folders: MigrationFolder[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => folder.remove()));
  });

  it("says there is nothing to do, and writes nothing, when the schema has no changes", async () => {
    const folder = await copyOfMigrations();
    folders.push(folder);
    const before = await folder.migrationNames();

    const outcome = await command(
      "createMigration",
      [
        "add_nothing",
        "--migrations-dir",
        folder.paths.migrationsDir,
        "--schema",
        folder.paths.schemaPath,
      ],
      {},
    );

    expect(outcome).toMatchObject({ exitCode: 0, stderr: "" });
    expect(outcome.stdout).toContain("already agree. Nothing written.");
    expect(await folder.migrationNames()).toEqual(before);
  });

  it("writes the next migration when the schema has changed", async () => {
    const folder = await copyOfMigrations();
    folders.push(folder);
    const schema = await readFile(folder.paths.schemaPath, "utf8");
    await writeFile(
      folder.paths.schemaPath,
      schema.replace(/(model OutboxMessage \{\n)/, `$1  lastError String? @map("last_error")\n`),
    );

    const outcome = await command(
      "createMigration",
      [
        "add_last_error",
        "--migrations-dir",
        folder.paths.migrationsDir,
        "--schema",
        folder.paths.schemaPath,
      ],
      {},
    );

    expect(outcome).toMatchObject({ exitCode: 0, stderr: "" });
    const created = (await folder.migrationNames()).at(-1)!;
    expect(created).toMatch(/^\d{14}_add_last_error$/);
    const script = await readFile(
      join(folder.paths.migrationsDir, created, "migration.sql"),
      "utf8",
    );
    expect(outcome.stdout).toContain(`${created}/migration.sql:\n\n${script.trimEnd()}\n`);
  });

  it("exits with 1 on an invalid name and with 2 without one", async () => {
    const invalid = await command("createMigration", ["Add Users"], {});
    const missing = await command("createMigration", [], {});

    expect(invalid.exitCode).toBe(1);
    expect(invalid.stderr).toMatch(
      /^Error \[MIGRATION_NAME_INVALID\]: Invalid migration name "Add Users"/,
    );
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("Missing the migration's name.");
  });
});

/**
 * `npm run db:migrate` on the app's databases: the migration package's command wired to
 * the database the environment names (src/db/cli/commands.ts), run in-process through the
 * same function the process runs (runAsProcess). Two tests run `node dist/db/cli/migrate.js`
 * as a person does, for what only a process shows: its exit code, and that it ends by
 * itself. The command's own behaviour (failures, resolving, usage, creating migrations) is
 * tested in packages/prisma-wasm-migrate/test/commands.test.ts.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { execute } from "@activelog/prisma-wasm-migrate";
import { migrate } from "../../src/db/cli/commands.js";
import { migrationPaths } from "../../src/db/index.js";
import { projectRoot } from "../helpers/buildProject.js";
import { testDatabaseUrl, withAdminClient } from "../helpers/testDatabases.js";

interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the command in-process with `args` and only the environment `env` (no DATABASE_URL unless given). */
async function runMigrate(args: string[], env: Record<string, string>): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const exitCode = await execute(migrate, {
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

  it("migrates the PostgreSQL database DATABASE_URL names, then reports it up to date", async () => {
    const url = await emptyPostgresDatabase();
    const [init] = (await readdir(migrationPaths.migrationsDir)).sort();

    const first = await runMigrate([], { DATABASE_URL: url });
    const second = await runMigrate([], { DATABASE_URL: url });

    expect(first).toMatchObject({ exitCode: 0, stderr: "" });
    expect(first.stdout).toContain(`Migrating the PostgreSQL at ${url.replace("s3cret", "***")}`);
    expect(first.stdout).toMatch(new RegExp(`Applied \\d+ migrations?:\\n  ${init}\\n`));
    expect(second).toMatchObject({ exitCode: 0, stderr: "" });
    expect(second.stdout).toMatch(/Up to date: all \d+ migrations? already applied\./);
    expect(first.stdout + second.stdout).not.toContain("s3cret");
  });

  it("migrates the embedded database in PGLITE_DATA_DIR when DATABASE_URL is not set", async () => {
    const dataDir = join(await scratchDir(), "pglite");

    const first = await runMigrate([], { PGLITE_DATA_DIR: dataDir });
    const second = await runMigrate([], { PGLITE_DATA_DIR: dataDir });

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
    const outcome = await runMigrate([], {
      DATABASE_URL: "postgresql://postgres:s3cret@127.0.0.1:1/x",
    });

    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toBe(
      "Error [DATABASE_UNREACHABLE]: Cannot reach the PostgreSQL at " +
        "postgresql://postgres:***@127.0.0.1:1/x: Can't reach database server at 127.0.0.1:1\n",
    );
  });
});

import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  applyPendingMigrations,
  FailedMigrationInDatabaseError,
  MigrationEditedError,
  MigrationFailedError,
  MigrationNotResolvableError,
  resolveMigration,
} from "../src/index.js";
import { createEmptyDatabase, type DatabaseKind, type TestDatabase } from "./helpers/databases.js";
import {
  copyOfMigrations,
  fixtureCommands,
  fixtureMigrationNames,
  fixturePaths,
  type MigrationFolder,
} from "./helpers/migrationFolders.js";

interface HistoryRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

function history(database: TestDatabase): Promise<HistoryRow[]> {
  return database.query<HistoryRow>(
    `SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
}

async function tableExists(database: TestDatabase, table: string): Promise<boolean> {
  const [row] = await database.query<{ exists: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS exists`,
    [table],
  );
  return row?.exists ?? false;
}

/** Applies the pending migrations of `paths` to `database`, as a project does. */
function apply(database: TestDatabase, paths = fixturePaths) {
  return applyPendingMigrations(database.adapterFactory, paths, { commands: fixtureCommands });
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const BROKEN_MIGRATION = {
  name: "20990101000000_broken",
  sql: `-- CreateTable\nCREATE TABLE "half_done" ("id" INTEGER);\n\nALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;\n`,
};
const FIXED_SQL = `-- CreateTable\nCREATE TABLE "half_done" ("id" INTEGER);\n`;

describe.each<DatabaseKind>(["PostgreSQL", "PGlite"])("migrating a %s database", (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });
  async function emptyDatabase(): Promise<TestDatabase> {
    const database = await createEmptyDatabase(kind);
    cleanups.push(() => database.destroy());
    return database;
  }
  async function migrations(extra: Record<string, string> = {}): Promise<MigrationFolder> {
    const folder = await copyOfMigrations(extra);
    cleanups.push(() => folder.remove());
    return folder;
  }

  it("applies every migration to an empty database, recording them as prisma migrate deploy does", async () => {
    const database = await emptyDatabase();
    const names = await fixtureMigrationNames();

    const result = await apply(database);

    expect(result.appliedMigrationNames).toEqual(names);
    expect(await database.query(`SELECT * FROM "posts"`)).toEqual([]);
    const rows = await history(database);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    for (const row of rows) {
      const script = await readFile(
        join(fixturePaths.migrationsDir, row.migration_name, "migration.sql"),
        "utf8",
      );
      expect(row).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        checksum: sha256(script),
        finished_at: expect.any(Date),
        migration_name: row.migration_name,
        logs: null,
        rolled_back_at: null,
        started_at: expect.any(Date),
        applied_steps_count: 1,
      });
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
  });

  it("creates _prisma_migrations with the columns and types Prisma's native engine uses", async () => {
    const database = await emptyDatabase();
    await apply(database);
    const columns = await database.query(
      `SELECT column_name, data_type, character_maximum_length, is_nullable
         FROM information_schema.columns WHERE table_name = '_prisma_migrations'
        ORDER BY ordinal_position`,
    );
    expect(columns).toEqual(
      [
        ["id", "character varying", 36, "NO"],
        ["checksum", "character varying", 64, "NO"],
        ["finished_at", "timestamp with time zone", null, "YES"],
        ["migration_name", "character varying", 255, "NO"],
        ["logs", "text", null, "YES"],
        ["rolled_back_at", "timestamp with time zone", null, "YES"],
        ["started_at", "timestamp with time zone", null, "NO"],
        ["applied_steps_count", "integer", null, "NO"],
      ].map(([column_name, data_type, character_maximum_length, is_nullable]) => ({
        column_name,
        data_type,
        character_maximum_length,
        is_nullable,
      })),
    );
  });

  it("does nothing when every migration is already applied", async () => {
    const database = await emptyDatabase();
    await apply(database);
    const before = await history(database);

    const again = await apply(database);

    expect(again.appliedMigrationNames).toEqual([]);
    expect(await history(database)).toEqual(before);
  });

  it("applies only the migrations added since the last run", async () => {
    const database = await emptyDatabase();
    const folder = await migrations();
    await apply(database, folder.paths);
    await folder.writeMigration(
      "20990101000000_add_notes",
      `CREATE TABLE "notes" ("id" INTEGER);\n`,
    );

    const result = await apply(database, folder.paths);

    expect(result.appliedMigrationNames).toEqual(["20990101000000_add_notes"]);
    expect(await tableExists(database, "notes")).toBe(true);
  });

  it("reports a failing migration by name and SQL error, keeps none of its changes, and records it as failed", async () => {
    const database = await emptyDatabase();
    const folder = await migrations({ [BROKEN_MIGRATION.name]: BROKEN_MIGRATION.sql });

    const failure = await apply(database, folder.paths).then(
      () => expect.unreachable("the broken migration applied"),
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect(failure).toMatchObject({
      code: "MIGRATION_FAILED",
      migrationName: BROKEN_MIGRATION.name,
      appliedMigrationNames: await fixtureMigrationNames(),
      reason: expect.stringContaining(`relation "no_such_table" does not exist`),
    });
    expect((failure as Error).message).toContain(
      `npm run migrate -- --rolled-back ${BROKEN_MIGRATION.name}`,
    );
    expect(await tableExists(database, "half_done")).toBe(false);
    const rows = await history(database);
    expect(rows.at(-1)).toMatchObject({
      migration_name: BROKEN_MIGRATION.name,
      checksum: sha256(BROKEN_MIGRATION.sql),
      finished_at: null,
      rolled_back_at: null,
      applied_steps_count: 0,
      logs: expect.stringContaining("no_such_table"),
    });
    expect(rows.slice(0, -1).every((row) => row.finished_at !== null)).toBe(true);
  });

  it("says on which line of migration.sql a syntax error is", async () => {
    const database = await emptyDatabase();
    const folder = await migrations({
      "20990101000000_typo": `CREATE TABLE "a" ("id" INTEGER);\n\nSELEC 1;\n`,
    });
    await expect(apply(database, folder.paths)).rejects.toThrow(
      /failed: syntax error at or near "SELEC" \(SQLSTATE 42601, line 3 of migration.sql\)/,
    );
  });

  it("refuses to apply anything after a failed migration until it is resolved, then applies the fixed one", async () => {
    const database = await emptyDatabase();
    const folder = await migrations({ [BROKEN_MIGRATION.name]: BROKEN_MIGRATION.sql });
    await expect(apply(database, folder.paths)).rejects.toThrow(MigrationFailedError);
    await folder.writeMigration("20990201000000_later", `CREATE TABLE "later" ("id" INTEGER);\n`);

    const refusal = await apply(database, folder.paths).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(FailedMigrationInDatabaseError);
    expect(refusal).toMatchObject({
      code: "FAILED_MIGRATION_IN_DATABASE",
      migrationName: BROKEN_MIGRATION.name,
    });
    expect((refusal as Error).message).toMatch(
      /--rolled-back 20990101000000_broken[\s\S]*--applied/,
    );
    expect(await tableExists(database, "later")).toBe(false);

    await folder.writeMigration(BROKEN_MIGRATION.name, FIXED_SQL);
    await resolveMigration(
      database.adapterFactory,
      BROKEN_MIGRATION.name,
      "rolled-back",
      folder.paths,
    );
    const result = await apply(database, folder.paths);

    expect(result.appliedMigrationNames).toEqual([BROKEN_MIGRATION.name, "20990201000000_later"]);
    const rows = (await history(database)).filter(
      (r) => r.migration_name === BROKEN_MIGRATION.name,
    );
    expect(rows).toMatchObject([
      { finished_at: null, rolled_back_at: expect.any(Date) },
      { finished_at: expect.any(Date), rolled_back_at: null, checksum: sha256(FIXED_SQL) },
    ]);
  });

  it("marks a failed migration applied without running it, for changes made by hand", async () => {
    const database = await emptyDatabase();
    const folder = await migrations({ [BROKEN_MIGRATION.name]: BROKEN_MIGRATION.sql });
    await expect(apply(database, folder.paths)).rejects.toThrow();

    await resolveMigration(database.adapterFactory, BROKEN_MIGRATION.name, "applied", folder.paths);

    expect(await apply(database, folder.paths)).toEqual({
      appliedMigrationNames: [],
    });
    await expect(
      resolveMigration(database.adapterFactory, BROKEN_MIGRATION.name, "rolled-back", folder.paths),
    ).rejects.toThrow(MigrationNotResolvableError);
  });

  it("refuses, naming the migration, when an applied migration.sql was edited afterwards", async () => {
    const database = await emptyDatabase();
    const folder = await migrations();
    await apply(database, folder.paths);
    const [first] = await folder.migrationNames();
    const path = join(folder.paths.migrationsDir, first!, "migration.sql");
    await writeFile(path, (await readFile(path, "utf8")) + "\n-- an afterthought\n");
    await folder.writeMigration(
      "20990101000000_add_notes",
      `CREATE TABLE "notes" ("id" INTEGER);\n`,
    );

    const refusal = await apply(database, folder.paths).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(MigrationEditedError);
    expect(refusal).toMatchObject({ code: "MIGRATION_EDITED", migrationNames: [first] });
    expect((refusal as Error).message).toContain(first);
    expect(await tableExists(database, "notes")).toBe(false);
  });

  it("does not count other line endings (a CRLF checkout) as an edit", async () => {
    const database = await emptyDatabase();
    const folder = await migrations();
    await apply(database, folder.paths);
    for (const name of await folder.migrationNames()) {
      const path = join(folder.paths.migrationsDir, name, "migration.sql");
      await writeFile(path, (await readFile(path, "utf8")).replace(/\n/g, "\r\n"));
    }
    await expect(apply(database, folder.paths)).resolves.toEqual({
      appliedMigrationNames: [],
    });
  });
});

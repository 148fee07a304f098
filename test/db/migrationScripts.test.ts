/**
 * The app's two databases give the migration package what it asks of an adapter: a
 * migration.sql runs whole, as one implicit transaction, and a failure keeps the
 * driver's details (executeScriptAtomically in postgresAdapter.ts and
 * embedded/embeddedAdapter.ts, where the error crosses the worker thread). The package's
 * own tests cover the rest, on adapters of their own.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyPendingMigrations, MigrationFailedError } from "@activelog/prisma-wasm-migrate";
import { migrationCommands, migrationPaths } from "../../src/db/index.js";
import { createEmptyTestDatabase, type DatabaseKind } from "../helpers/testDatabases.js";

describe.each<DatabaseKind>(["postgres", "embedded"])("migrations on the %s database", (kind) => {
  it("keep none of a failing script's statements, and say on which line it failed", async () => {
    const database = await createEmptyTestDatabase(kind);
    const migrationsDir = await mkdtemp(join(tmpdir(), "activelog-migration-scripts-"));
    try {
      await writeFile(join(migrationsDir, "migration_lock.toml"), 'provider = "postgresql"\n');
      await mkdir(join(migrationsDir, "20990101000000_typo"));
      await writeFile(
        join(migrationsDir, "20990101000000_typo", "migration.sql"),
        `CREATE TABLE "typo" ("id" INTEGER);\n\nSELEC 1;\n`,
      );

      const applying = applyPendingMigrations(
        database.adapterFactory,
        { schemaPath: migrationPaths.schemaPath, migrationsDir },
        { commands: migrationCommands },
      );

      await expect(applying).rejects.toThrow(MigrationFailedError);
      await expect(applying).rejects.toThrow(/SELEC.*\(SQLSTATE 42601, line 3 of migration.sql\)/);
      const [table] = await database.prisma.$queryRawUnsafe<{ name: string | null }[]>(
        `SELECT to_regclass('typo')::text AS name`,
      );
      expect(table?.name).toBeNull();
    } finally {
      await database.destroy();
      await rm(migrationsDir, { recursive: true, force: true });
    }
  });
});

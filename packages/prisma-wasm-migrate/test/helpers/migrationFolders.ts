/**
 * Scratch copies of prisma/ (schema.prisma and the migrations folder) in a temporary
 * directory, for tests that add, break or edit migrations.
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MigrationPaths } from "@activelog/prisma-wasm-migrate";
import { migrationPaths as defaultMigrationPaths } from "../../src/db/migrationSetup.js";

export interface MigrationFolder {
  readonly paths: MigrationPaths;
  /** Writes (or overwrites) `<migrationsDir>/<name>/migration.sql`. */
  writeMigration(name: string, sql: string): Promise<string>;
  /** The migration folder names, sorted. */
  migrationNames(): Promise<string[]>;
  remove(): Promise<void>;
}

/** A copy of the project's schema and migrations, plus `extra` migrations (name -> SQL). */
export async function copyOfMigrations(
  extra: Record<string, string> = {},
  options: { withMigrations?: boolean } = {},
): Promise<MigrationFolder> {
  const root = await mkdtemp(join(tmpdir(), "activelog-migrations-"));
  const paths: MigrationPaths = {
    schemaPath: join(root, "schema.prisma"),
    migrationsDir: join(root, "migrations"),
  };
  await cp(defaultMigrationPaths.schemaPath, paths.schemaPath);
  if (options.withMigrations ?? true) {
    await cp(defaultMigrationPaths.migrationsDir, paths.migrationsDir, { recursive: true });
  } else {
    await mkdir(paths.migrationsDir);
  }
  const folder: MigrationFolder = {
    paths,
    async writeMigration(name, sql) {
      const path = join(paths.migrationsDir, name, "migration.sql");
      await mkdir(join(paths.migrationsDir, name), { recursive: true });
      await writeFile(path, sql);
      return path;
    },
    async migrationNames() {
      const entries = await readdir(paths.migrationsDir, { withFileTypes: true });
      return entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
  for (const [name, sql] of Object.entries(extra)) await folder.writeMigration(name, sql);
  return folder;
}

/** The migrations the project itself has, in order. */
export async function projectMigrationNames(): Promise<string[]> {
  const entries = await readdir(defaultMigrationPaths.migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

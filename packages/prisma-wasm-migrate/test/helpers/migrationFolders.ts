/**
 * The project the tests migrate (test/fixture: a schema and its migrations), and scratch
 * copies of it in a temporary directory, for tests that add, break or edit migrations.
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MigrationCommands, MigrationPaths } from "../../src/index.js";

/** A Prisma folder's paths: schema.prisma and migrations/ side by side, as in prisma/. */
const pathsIn = (dir: string): MigrationPaths => ({
  schemaPath: join(dir, "schema.prisma"),
  migrationsDir: join(dir, "migrations"),
});

export const fixturePaths = pathsIn(join(import.meta.dirname, "../fixture"));

/** The fixture project's commands, as its package.json would name them. */
export const fixtureCommands: MigrationCommands = {
  migrate: "npm run migrate",
  createMigration: "npm run new-migration",
};

export interface MigrationFolder {
  readonly paths: MigrationPaths;
  /** Writes (or overwrites) `<migrationsDir>/<name>/migration.sql`. */
  writeMigration(name: string, sql: string): Promise<string>;
  /** The migration folder names, sorted. */
  migrationNames(): Promise<string[]>;
  remove(): Promise<void>;
}

/** A copy of the fixture's schema and migrations, plus `extra` migrations (name -> SQL). */
export async function copyOfMigrations(
  extra: Record<string, string> = {},
  options: { withMigrations?: boolean } = {},
): Promise<MigrationFolder> {
  const root = await mkdtemp(join(tmpdir(), "prisma-wasm-migrate-"));
  const paths = pathsIn(root);
  await cp(fixturePaths.schemaPath, paths.schemaPath);
  if (options.withMigrations ?? true) {
    await cp(fixturePaths.migrationsDir, paths.migrationsDir, { recursive: true });
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

/** The fixture's migrations, in order. */
export async function fixtureMigrationNames(): Promise<string[]> {
  const entries = await readdir(fixturePaths.migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

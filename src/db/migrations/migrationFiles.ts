/** Reads the Prisma Migrate folder (`prisma/migrations`) in the shape the schema engine wants. */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { MigrationList } from "@prisma/schema-engine-wasm";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export const DEFAULT_SCHEMA_PATH = join(projectRoot, "prisma/schema.prisma");
export const DEFAULT_MIGRATIONS_DIR = join(projectRoot, "prisma/migrations");
export const LOCKFILE_NAME = "migration_lock.toml";

export interface MigrationPaths {
  schemaPath: string;
  migrationsDir: string;
}

export const defaultMigrationPaths: MigrationPaths = {
  schemaPath: DEFAULT_SCHEMA_PATH,
  migrationsDir: DEFAULT_MIGRATIONS_DIR,
};

export async function readSchema(schemaPath: string): Promise<{ path: string; content: string }> {
  return { path: schemaPath, content: await readFile(schemaPath, "utf8") };
}

/** The migrations folder as a schema-engine `MigrationList`, in name (= timestamp) order. */
export async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  });
  const directories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    directories.map(async (name) => {
      const content = await readFile(join(migrationsDir, name, "migration.sql"), "utf8").then(
        (value) => ({ tag: "ok" as const, value }),
        (error: unknown) => ({ tag: "error" as const, value: String(error) }),
      );
      return { path: name, migrationFile: { path: "migration.sql", content } };
    }),
  );
  const lockfileContent = await readFile(join(migrationsDir, LOCKFILE_NAME), "utf8").catch(
    () => null,
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCKFILE_NAME, content: lockfileContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

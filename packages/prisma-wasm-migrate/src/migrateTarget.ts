/**
 * The migrate command without the command line: migrate (or resolve a failed migration
 * on) the database a {@link MigrationTarget} names, opening and closing it.
 */
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { applyPendingMigrations, resolveMigration } from "./applyMigrations.js";
import type { MigrationCommands } from "./migrationErrors.js";
import { readMigrationList, type MigrationPaths } from "./migrationFiles.js";

/** The database a command migrates, as the project chooses and opens it. */
export interface MigrationTarget {
  /** Names the database in output and messages, password hidden: `PostgreSQL at postgres://...`. */
  readonly description: string;
  /**
   * Opens the database. Rejects with a `DatabaseUnreachableError` when it cannot be
   * reached, so that the command reports DATABASE_UNREACHABLE.
   */
  open(): Promise<OpenedTarget>;
}

export interface OpenedTarget {
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

export interface MigrateResult {
  /** How many migrations the migrations folder holds. */
  migrationCount: number;
  /** The migrations this run applied; empty when the database was up to date. */
  appliedMigrationNames: string[];
}

/** Applies pending migrations to the target (see `applyPendingMigrations`). */
export async function migrateDatabase(
  target: MigrationTarget,
  paths: MigrationPaths,
  commands: MigrationCommands,
): Promise<MigrateResult> {
  const { migrationDirectories } = await readMigrationList(paths.migrationsDir);
  const { appliedMigrationNames } = await withDatabase(target, (adapterFactory) =>
    applyPendingMigrations(adapterFactory, paths, {
      commands,
      databaseDescription: target.description,
    }),
  );
  return { migrationCount: migrationDirectories.length, appliedMigrationNames };
}

/** Marks a failed migration rolled back or applied (see `resolveMigration`). */
export async function resolveDatabaseMigration(
  target: MigrationTarget,
  migrationName: string,
  resolution: "applied" | "rolled-back",
  paths: MigrationPaths,
): Promise<void> {
  await withDatabase(target, (adapterFactory) =>
    resolveMigration(adapterFactory, migrationName, resolution, paths, {
      databaseDescription: target.description,
    }),
  );
}

async function withDatabase<T>(
  target: MigrationTarget,
  fn: (adapterFactory: SqlMigrationAwareDriverAdapterFactory) => Promise<T>,
): Promise<T> {
  const database = await target.open();
  try {
    return await fn(database.adapterFactory);
  } finally {
    await database.close();
  }
}

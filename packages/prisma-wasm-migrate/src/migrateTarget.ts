/**
 * `npm run db:migrate` without the command line: migrate (or resolve a failed migration
 * on) the database a {@link DatabaseConfig} names, opening and closing it.
 */
import {
  DatabaseUnavailableError,
  describeDatabase,
  openDatabase,
  type Database,
  type DatabaseConfig,
} from "../database.js";
import {
  applyPendingMigrations,
  DatabaseUnreachableError,
  readMigrationList,
  resolveMigration,
  type MigrationPaths,
} from "@activelog/prisma-wasm-migrate";
import { migrationCommands, migrationPaths } from "../migrationSetup.js";

export interface MigrateResult {
  /** The database, password hidden. */
  database: string;
  /** How many migrations the migrations folder holds. */
  migrationCount: number;
  /** The migrations this run applied; empty when the database was up to date. */
  appliedMigrationNames: string[];
}

/** Applies pending migrations to the configured database (see `applyPendingMigrations`). */
export async function migrateDatabase(
  config: DatabaseConfig,
  paths: MigrationPaths = migrationPaths,
): Promise<MigrateResult> {
  const database = describeDatabase(config);
  const { migrationDirectories } = await readMigrationList(paths.migrationsDir);
  const { appliedMigrationNames } = await withDatabase(config, (db) =>
    applyPendingMigrations(db.adapterFactory, paths, {
      commands: migrationCommands,
      databaseDescription: database,
    }),
  );
  return { database, migrationCount: migrationDirectories.length, appliedMigrationNames };
}

/** Marks a failed migration rolled back or applied (see `resolveMigration`). */
export async function resolveDatabaseMigration(
  config: DatabaseConfig,
  migrationName: string,
  resolution: "applied" | "rolled-back",
  paths: MigrationPaths = migrationPaths,
): Promise<void> {
  await withDatabase(config, (db) =>
    resolveMigration(db.adapterFactory, migrationName, resolution, paths, {
      databaseDescription: describeDatabase(config),
    }),
  );
}

async function withDatabase<T>(
  config: DatabaseConfig,
  fn: (database: Database) => Promise<T>,
): Promise<T> {
  let database: Database;
  try {
    database = await openDatabase(config);
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) {
      throw new DatabaseUnreachableError(error.message, { cause: error });
    }
    throw error;
  }
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

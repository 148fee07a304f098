/**
 * `npm run db:migrate` and `npm run db:migration`: the migration package's commands, given
 * the app's paths and its database (chosen from the environment as the server chooses it).
 */
import {
  createMigrationCommand,
  DatabaseUnreachableError,
  migrateCommand,
  type MigrationTarget,
} from "@activelog/prisma-wasm-migrate";
import {
  databaseConfigFromEnv,
  DEFAULT_PGLITE_DATA_DIR,
  describeDatabase,
  type DatabaseConfig,
} from "../config.js";
import { DatabaseUnavailableError, openDatabase } from "../database.js";
import { dataDirTemplateArchive } from "../embedded/dataDirTemplate.js";
import { migrationCommands, migrationPaths } from "../migrationSetup.js";

/** The database `config` names, opened the way the server opens it. */
export function migrationTarget(config: DatabaseConfig): MigrationTarget {
  return {
    description: describeDatabase(config),
    async open() {
      try {
        const database = await openDatabase(config);
        return { adapterFactory: database.adapterFactory, close: () => database.close() };
      } catch (error) {
        if (error instanceof DatabaseUnavailableError) {
          throw new DatabaseUnreachableError(error.message, { cause: error });
        }
        throw error;
      }
    },
  };
}

export const migrate = migrateCommand({
  commands: migrationCommands,
  paths: migrationPaths,
  targetHelp: `Applies pending migrations to the database DATABASE_URL names (PostgreSQL), or else to
the embedded PGlite database in PGLITE_DATA_DIR (default: ${DEFAULT_PGLITE_DATA_DIR}).`,
  target: (env) => migrationTarget(databaseConfigFromEnv(env)),
});

export const createMigration = createMigrationCommand({
  commands: migrationCommands,
  paths: migrationPaths,
  // New scratch databases load the data-directory template's archive instead of running initdb.
  blankDataDirArchive: dataDirTemplateArchive(),
});

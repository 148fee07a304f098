/**
 * The migration runner: applies, resolves and creates migrations through Prisma's schema
 * engine compiled to WebAssembly. Loaded only by what migrates (the migration commands,
 * and the server on the embedded database); the app's queries never need it.
 */
export {
  applyPendingMigrations,
  resolveMigration,
  type AppliedMigrations,
  type MigrationOptions,
} from "./applyMigrations.js";
export {
  createMigration,
  diffMigrationsToSchema,
  validateMigrationName,
  type CreatedMigration,
} from "./createMigration.js";
export { migrateDatabase, resolveDatabaseMigration, type MigrateResult } from "./migrate.js";
export {
  DatabaseUnreachableError,
  FailedMigrationInDatabaseError,
  MigrationEditedError,
  MigrationError,
  MigrationFailedError,
  MigrationNameInvalidError,
  MigrationNotResolvableError,
  MigrationsInvalidError,
  SchemaEngineError,
  type MigrationErrorCode,
} from "./migrationErrors.js";
export { defaultMigrationPaths, migrationChecksum, type MigrationPaths } from "./migrationFiles.js";

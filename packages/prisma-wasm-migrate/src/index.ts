/**
 * @activelog/prisma-wasm-migrate: `prisma migrate deploy`, `migrate dev --create-only` and
 * `migrate resolve` on Prisma's schema engine compiled to WebAssembly (see README.md).
 *
 * This file is the package's only entry: every other module is internal. It stays light
 * to import: the engine's WebAssembly and PGlite load only when a function needs them.
 */
export {
  applyPendingMigrations,
  resolveMigration,
  type AppliedMigrations,
  type MigrationOptions,
} from "./applyMigrations.js";
export { execute, runAsProcess, type Command, type CommandIo } from "./command.js";
export {
  createMigration,
  diffMigrationsToSchema,
  type CreatedMigration,
  type DiffOptions,
} from "./createMigration.js";
export { createMigrationCommand } from "./createMigrationCommand.js";
export { driverAdapterErrorMessage } from "./driverErrors.js";
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
  type MigrationCommands,
  type MigrationErrorCode,
} from "./migrationErrors.js";
export { type MigrationPaths } from "./migrationFiles.js";
export { migrateCommand } from "./migrateCommand.js";
export { type MigrationTarget } from "./migrateTarget.js";
export { executeScriptAtomically } from "./scriptExecution.js";

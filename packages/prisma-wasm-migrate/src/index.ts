/**
 * @activelog/prisma-wasm-migrate: `prisma migrate deploy`, `migrate dev --create-only` and
 * `migrate resolve` on Prisma's schema engine compiled to WebAssembly (see README.md).
 *
 * This file is the package's only entry, and it exports what the app and the tests use;
 * every other module is internal. It stays light to import (the app's adapters import it
 * at every start): the engine's WebAssembly and PGlite load only when a function needs them.
 */

// Migrating: apply pending migrations, resolve a failed one, write the next one.
export { applyPendingMigrations, resolveMigration } from "./applyMigrations.js";
export { createMigration, diffMigrationsToSchema } from "./createMigration.js";
export type { MigrationPaths } from "./migrationFiles.js";

// The errors the app and tests tell apart (each has a stable `code`; see migrationErrors.ts).
export {
  DatabaseUnreachableError,
  FailedMigrationInDatabaseError,
  MigrationEditedError,
  MigrationFailedError,
  MigrationNameInvalidError,
  MigrationNotResolvableError,
  type MigrationCommands,
} from "./migrationErrors.js";

// The two commands, given the project's paths, scripts and database.
export { execute, runAsProcess, type Command } from "./command.js";
export { createMigrationCommand } from "./createMigrationCommand.js";
export { migrateCommand } from "./migrateCommand.js";
export type { MigrationTarget } from "./migrateTarget.js";

// For the project's driver adapters: what the engine needs of them, and Prisma's words for their errors.
export { executeScriptAtomically } from "./scriptExecution.js";
export { driverAdapterErrorMessage } from "./driverErrors.js";

export {
  databaseConfigFromEnv,
  DatabaseUnavailableError,
  DEFAULT_PGLITE_DATA_DIR,
  describeDatabase,
  openDatabase,
  PrismaClient,
  type Database,
  type DatabaseConfig,
} from "./database.js";
// The generated client's namespace (errors, Decimal, input types) and model types.
export {
  Prisma,
  type Activity,
  type Notification,
  type OutboxMessage,
  type Session,
  type User,
  type UserStats,
} from "../generated/prisma/client.js";
export {
  applyPendingMigrations,
  resolveMigration,
  type AppliedMigrations,
  type MigrationOptions,
} from "./migrations/applyMigrations.js";
export {
  createMigration,
  diffMigrationsToSchema,
  validateMigrationName,
  type CreatedMigration,
} from "./migrations/createMigration.js";
export {
  migrateDatabase,
  resolveDatabaseMigration,
  type MigrateResult,
} from "./migrations/migrate.js";
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
} from "./migrations/migrationErrors.js";
export {
  defaultMigrationPaths,
  migrationChecksum,
  type MigrationPaths,
} from "./migrations/migrationFiles.js";

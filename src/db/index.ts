export {
  databaseConfigFromEnv,
  DatabaseUnavailableError,
  DEFAULT_PGLITE_DATA_DIR,
  describeDatabase,
  openDatabase,
  PrismaClient,
  type Database,
  type DatabaseConfig,
  type Prisma,
} from "./database.js";
export { applyPendingMigrations, type AppliedMigrations } from "./migrations/applyMigrations.js";

export {
  databaseConfigFromEnv,
  DatabaseUnavailableError,
  DEFAULT_PGLITE_DATA_DIR,
  describeDatabase,
  openDatabase,
  PrismaClient,
  type Database,
  type DatabaseConfig,
  Prisma,
  type Activity,
  type Notification,
  type User,
  type UserStats,
} from "./database.js";
export { applyPendingMigrations, type AppliedMigrations } from "./migrations/applyMigrations.js";

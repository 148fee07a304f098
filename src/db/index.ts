export { openDatabase, type Database, type DatabaseConfig } from "./database.js";
export { DataDirLockedError } from "./embedded/dataDirLock.js";
export { createOutageMonitor, isDatabaseUnreachable, type OutageMonitor } from "./outage.js";
// The generated client's namespace (errors, Decimal, input types) and model types.
export {
  Prisma,
  PrismaClient,
  type Activity,
  type Notification,
  type User,
  type UserStats,
} from "../generated/prisma/client.js";
// What the migration package (packages/prisma-wasm-migrate) is told about this app.
export { migrationCommands, migrationPaths } from "./migrationSetup.js";

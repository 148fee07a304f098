import type { Prisma } from "../generated/prisma/client.js";
export { openDatabase, type Database, type DatabaseConfig } from "./database.js";
export type { ConnectionStats } from "./connectionStats.js";
export { DataDirLockedError } from "./embedded/dataDirLock.js";
export { createOutageMonitor, isDatabaseUnreachable, type OutageMonitor } from "./outage.js";
/** The client a workflow's steps get: Prisma's, bound to the run's transaction. */
export type TransactionClient = Prisma.TransactionClient;

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

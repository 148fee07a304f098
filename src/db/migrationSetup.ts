/**
 * What the migration tool (packages/prisma-wasm-migrate) is told about this app: where the
 * Prisma schema and the migrations are, and which npm scripts run its commands.
 */
import { join, resolve } from "node:path";
import type { MigrationCommands, MigrationPaths } from "@activelog/prisma-wasm-migrate";

const projectRoot = resolve(import.meta.dirname, "../..");

export const migrationPaths: MigrationPaths = {
  schemaPath: join(projectRoot, "prisma/schema.prisma"),
  migrationsDir: join(projectRoot, "prisma/migrations"),
};

/** package.json's scripts for the two commands (see cli/). */
export const migrationCommands: MigrationCommands = {
  migrate: "npm run db:migrate",
  createMigration: "npm run db:migration",
};

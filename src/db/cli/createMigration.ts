/** npm run db:migration -- <name> [options]: see createMigrationCommand.ts. */
import { createMigrationCommand, CREATE_MIGRATION_USAGE } from "./createMigrationCommand.js";
import { runAsProcess } from "./run.js";

await runAsProcess(createMigrationCommand, CREATE_MIGRATION_USAGE);

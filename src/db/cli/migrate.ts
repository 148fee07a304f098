/** npm run db:migrate [-- options]: see migrateCommand.ts. */
import { runAsProcess } from "./run.js";
import { migrate, MIGRATE_USAGE } from "./migrateCommand.js";

await runAsProcess(migrate, MIGRATE_USAGE);

/** npm run db:migration -- <name> [options]: see commands.ts. */
import { runAsProcess } from "@activelog/prisma-wasm-migrate";
import { createMigration } from "./commands.js";

await runAsProcess(createMigration);

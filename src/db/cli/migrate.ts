/** npm run db:migrate [-- options]: see commands.ts. */
import { runAsProcess } from "@activelog/prisma-wasm-migrate";
import { migrate } from "./commands.js";

await runAsProcess(migrate);

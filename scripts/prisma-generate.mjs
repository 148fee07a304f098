// Generates the Prisma client with no download from Prisma's CDN.
//
// `prisma generate` first looks for the native schema engine and tries to download
// it; generation itself never uses that engine (Prisma 7's client is Rust-free).
// PRISMA_SCHEMA_ENGINE_BINARY is Prisma's documented override for the engine's
// location, so pointing it at an existing file skips the download.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const prismaCli = require.resolve("prisma/build/index.js");
const placeholderEngine = existsSync("/bin/true") ? "/bin/true" : process.execPath;

const result = spawnSync(process.execPath, [prismaCli, "generate"], {
  stdio: "inherit",
  env: {
    PRISMA_SCHEMA_ENGINE_BINARY: placeholderEngine,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
    ...process.env,
  },
});
process.exit(result.status ?? 1);

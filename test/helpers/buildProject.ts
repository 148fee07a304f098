/**
 * Compiles the server (`tsc -p tsconfig.build.json`, as `npm run build` does) so tests can
 * run `node dist/...` the way a person runs the commands. globalSetup runs it once per
 * suite: test files running tsc side by side would write the same dist/ at the same time.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { promisify } from "node:util";

export const projectRoot = resolve(import.meta.dirname, "../..");

export async function buildProject(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: projectRoot,
  }).catch((error: { stdout?: string }) => {
    throw new Error(`npm run build failed:\n${error.stdout ?? String(error)}`);
  });
}

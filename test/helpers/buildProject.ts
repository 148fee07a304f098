/**
 * Compiles the server into dist/ (as `npm run build` does, with SWC: about a second) so
 * tests can run `node dist/...` the way a person runs the commands. globalSetup runs it
 * once per suite: test files building side by side would write the same dist/ at once.
 */
import { resolve } from "node:path";

export const projectRoot = resolve(import.meta.dirname, "../..");

export async function buildProject(): Promise<void> {
  const build = (await import(resolve(projectRoot, "scripts/build.mjs"))) as {
    buildProject(): Promise<unknown>;
  };
  await build.buildProject();
}

/**
 * The example web app as users get it: a production build (vite build) served by
 * `vite preview`, which proxies /graphql to the API under test (examples/web/vite.config.ts).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { preview } from "vite";

const WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../examples/web");
const VITE_CLI = join(
  dirname(createRequire(import.meta.url).resolve("vite/package.json")),
  "bin/vite.js",
);

export interface WebApp {
  /** e.g. http://127.0.0.1:PORT/ */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the app into a temporary folder. The build runs in its own process: vitest sets
 * NODE_ENV=test, and the build must be the production one.
 */
async function buildWebApp(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), "activelog-web-"));
  await promisify(execFile)(
    process.execPath,
    [VITE_CLI, "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
    { cwd: WEB_ROOT, env: { ...process.env, NODE_ENV: "production" } },
  );
  return outDir;
}

/** Builds the app and serves it on a free port, with /graphql proxied to `apiUrl`. */
export async function startWebApp(apiUrl: string): Promise<WebApp> {
  const outDir = await buildWebApp();
  const server = await preview({
    root: WEB_ROOT,
    logLevel: "warn",
    build: { outDir },
    preview: { host: "127.0.0.1", port: 0, strictPort: true, proxy: { "/graphql": apiUrl } },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("vite preview did not report its address");
  return {
    url,
    async close() {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/**
 * A new embedded data directory is a copy of a prepared one.
 *
 * Opening PGlite on a new directory runs initdb, about 5 s of CPU (11-17 s on a busy
 * 2-core machine); opening an existing one takes under one. `npm install` prepares an
 * initdb'd, empty data directory once (scripts/postinstall.mjs) in node_modules/.cache,
 * keyed by PGlite's version: new data directories start as a copy of it, and in-memory
 * databases (`memory://`) load its archive (a tar of it, which PGlite reads back in
 * about a second). Without the template (installed with --ignore-scripts), PGlite runs
 * initdb as before.
 */
import { cpSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { LOCK_FILE_NAME } from "./dataDirLock.js";

const require = createRequire(import.meta.url);
const ARCHIVE_NAME = "template.tar";

/** Where the template lives: node_modules/.cache/activelog-pglite-template/<pglite version>. */
export function dataDirTemplatePath(): string {
  // .../node_modules/@electric-sql/pglite/dist/index.cjs -> .../node_modules/@electric-sql/pglite
  const packageDir = dirname(dirname(require.resolve("@electric-sql/pglite")));
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    version: string;
  };
  const nodeModules = dirname(dirname(packageDir));
  return join(nodeModules, ".cache", "activelog-pglite-template", version);
}

/** The template as one tar archive, for in-memory databases; undefined when there is none. */
export function dataDirTemplateArchive(): string | undefined {
  const path = join(dataDirTemplatePath(), ARCHIVE_NAME);
  try {
    return statSync(path).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

function isDataDir(dir: string): boolean {
  try {
    return statSync(join(dir, "PG_VERSION")).isFile();
  } catch {
    return false;
  }
}

/** True when `dir` has nothing in it but, perhaps, this process's lock file. */
function isEmpty(dir: string): boolean {
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    // missing: empty
  }
  return entries.every((entry) => entry === LOCK_FILE_NAME);
}

/**
 * Fills `dataDir` (existing, locked by this process) from the template when it is empty
 * and a template exists; returns whether it did. Synchronous, like the lock: see lockDataDir.
 */
export function seedDataDirFromTemplate(dataDir: string): boolean {
  if (!isEmpty(dataDir)) return false;
  const template = dataDirTemplatePath();
  if (!isDataDir(template)) return false;
  cpSync(template, dataDir, {
    recursive: true,
    filter: (source) => source !== join(template, ARCHIVE_NAME),
  });
  return true;
}

/**
 * Creates the template (an initdb'd, cleanly closed, empty data directory, with its tar
 * archive inside) unless it exists. `initdb` opens PGlite on a new directory, closes it,
 * and returns its archive (`dumpDataDir("none")`). Built beside its final place and
 * renamed into it, so a template is complete or absent.
 */
export async function ensureDataDirTemplate(
  initdb: (dataDir: string) => Promise<Blob>,
): Promise<{ path: string; created: boolean }> {
  const path = dataDirTemplatePath();
  if (isDataDir(path) && dataDirTemplateArchive()) return { path, created: false };
  const parent = dirname(path);
  await mkdir(parent, { recursive: true });
  const scratch = await mkdtemp(join(parent, ".building-"));
  try {
    const archive = await initdb(scratch);
    await writeFile(join(scratch, ARCHIVE_NAME), Buffer.from(await archive.arrayBuffer()));
    await rm(path, { recursive: true, force: true }); // a template from before archives existed
    await rename(scratch, path).catch(async (error: NodeJS.ErrnoException) => {
      // Another install made it meanwhile: theirs is as good as ours.
      if (!isDataDir(path)) throw error;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { path, created: true };
}

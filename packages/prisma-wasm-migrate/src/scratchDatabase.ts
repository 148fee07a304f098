/**
 * Throwaway in-memory PGlite databases for diffing migrations. Creating one from nothing
 * runs initdb (about 5 s); loading an archive of a blank one takes about 1 s. The archive
 * is the one the caller gives (`blankDataDirArchive`), or, without one, a blank database
 * this process makes once.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { pgliteAdapterFactory } from "./pgliteAdapter.js";

/** Blank data directories by the archive they were read from (`undefined`: made by initdb). */
const blankDataDirs = new Map<string | undefined, Promise<Blob>>();
type WasmModule = NonNullable<PGliteOptions["pgliteWasmModule"]>;
// Node has WebAssembly built in; @types/node 20 does not declare it (only the DOM lib does).
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> };
};

/** PGlite's WebAssembly, compiled once per process rather than once per scratch database. */
let wasmModule: Promise<WasmModule> | undefined;

function compiledPglite(): Promise<WasmModule> {
  wasmModule ??= (async () => {
    const packageDir = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
    return wasm.compile(await readFile(join(packageDir, "pglite.wasm")));
  })();
  return wasmModule;
}

async function blankArchive(archive: string | undefined): Promise<Blob> {
  if (archive) return new Blob([await readFile(archive)]);
  const blank = await PGlite.create();
  try {
    return await blank.dumpDataDir("none");
  } finally {
    await blank.close();
  }
}

export async function openScratchPglite(blankDataDirArchive?: string): Promise<PGlite> {
  let blank = blankDataDirs.get(blankDataDirArchive);
  if (!blank) {
    blank = blankArchive(blankDataDirArchive);
    blankDataDirs.set(blankDataDirArchive, blank);
  }
  const [loadDataDir, pgliteWasmModule] = await Promise.all([blank, compiledPglite()]);
  return PGlite.create({ loadDataDir, pgliteWasmModule });
}

/**
 * A scratch database and its shadow databases, for the schema engine to diff on. The
 * engine insists on a main database even for a diff that only uses the shadow one.
 */
export async function openScratchDatabase(blankDataDirArchive?: string): Promise<{
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}> {
  const main = await openScratchPglite(blankDataDirArchive);
  return {
    adapterFactory: pgliteAdapterFactory(main, () => openScratchPglite(blankDataDirArchive)),
    close: () => main.close(),
  };
}

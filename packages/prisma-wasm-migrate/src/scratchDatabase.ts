/**
 * Throwaway in-memory PGlite databases for diffing migrations. Creating one from nothing
 * runs initdb (about 5 s); loading an archive of a blank one takes about 1 s. The archive
 * is the embedded database's template (see embedded/dataDirTemplate.ts), or, without one,
 * a blank database this process makes once.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { dataDirTemplateArchive } from "../embedded/dataDirTemplate.js";

let blankDataDir: Promise<Blob> | undefined;
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

async function blankArchive(): Promise<Blob> {
  const template = dataDirTemplateArchive();
  if (template) return new Blob([await readFile(template)]);
  const blank = await PGlite.create();
  try {
    return await blank.dumpDataDir("none");
  } finally {
    await blank.close();
  }
}

export async function openScratchPglite(): Promise<PGlite> {
  blankDataDir ??= blankArchive();
  const [loadDataDir, pgliteWasmModule] = await Promise.all([blankDataDir, compiledPglite()]);
  return PGlite.create({ loadDataDir, pgliteWasmModule });
}

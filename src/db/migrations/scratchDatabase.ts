/**
 * Throwaway in-memory PGlite databases for diffing migrations. Creating one from nothing
 * runs initdb (about 5 s); loading an archive of a blank one takes about 1 s. The archive
 * is the embedded database's template (see embedded/dataDirTemplate.ts), or, without one,
 * a blank database this process makes once.
 */
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { dataDirTemplateArchive } from "../embedded/dataDirTemplate.js";

let blankDataDir: Promise<Blob> | undefined;

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
  return PGlite.create({ loadDataDir: await blankDataDir });
}

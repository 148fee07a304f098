/**
 * Throwaway in-memory PGlite databases for diffing migrations. Creating one runs initdb
 * (about 2 s); loading a copy of a blank one takes about 0.3 s, so each process makes a
 * blank database once and clones it.
 */
import { PGlite } from "@electric-sql/pglite";

let blankDataDir: Promise<Blob> | undefined;

export async function openScratchPglite(): Promise<PGlite> {
  blankDataDir ??= (async () => {
    const blank = await PGlite.create();
    try {
      return await blank.dumpDataDir("none");
    } finally {
      await blank.close();
    }
  })();
  return PGlite.create({ loadDataDir: await blankDataDir });
}

/**
 * Runs once before the suite: makes the blank PGlite data directory (an archive of it) that
 * the tests' scratch and PGlite databases start from, so that initdb runs once rather than
 * once per test worker, and deletes it after. Tests reach it with blankDataDirArchive().
 */
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    blankDataDirArchive: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const archive = join(tmpdir(), `prisma-wasm-migrate-blank-${process.pid}.tar`);
  const pglite = await PGlite.create();
  try {
    const dump = await pglite.dumpDataDir("none");
    await writeFile(archive, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pglite.close();
  }
  project.provide("blankDataDirArchive", archive);
  return () => rm(archive, { force: true });
}

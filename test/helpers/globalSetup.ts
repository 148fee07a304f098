/**
 * Runs once before the suite: migrates the PostgreSQL template database and the PGlite
 * archive that every test file copies (see testDatabases.ts), and deletes them after the
 * suite; compiles the server into dist/ for the tests that run its commands as a person
 * would.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";
import { buildProject } from "./buildProject.js";
import {
  migrationCommands,
  migrationPaths,
  openDatabase,
  type Database,
} from "../../src/db/index.js";
import { applyPendingMigrations } from "@activelog/prisma-wasm-migrate";
import {
  TEST_SERVER_URL,
  testDatabaseUrl,
  testTemplatesFor,
  withAdminClient,
} from "./testDatabases.js";

async function migrate(database: Database): Promise<void> {
  try {
    await applyPendingMigrations(database.adapterFactory, migrationPaths, {
      commands: migrationCommands,
    });
  } finally {
    await database.close();
  }
}

/** Migrates a new embedded database and writes its archive to `archive`. */
async function migratedPgliteArchive(archive: string): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "activelog-test-template-pglite-"));
  try {
    await migrate(await openDatabase({ kind: "embedded", dataDir }));
    const pglite = await PGlite.create(dataDir);
    try {
      const dump = await pglite.dumpDataDir("none");
      await writeFile(archive, Buffer.from(await dump.arrayBuffer()));
    } finally {
      await pglite.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const templates = testTemplatesFor(process.pid);
  const { postgresTemplateName, pgliteArchive } = templates;
  const dropTemplates = async () => {
    await withAdminClient((client) =>
      client.query(`DROP DATABASE IF EXISTS "${postgresTemplateName}" WITH (FORCE)`),
    );
    await rm(pgliteArchive, { force: true });
  };

  await withAdminClient(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${postgresTemplateName}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${postgresTemplateName}"`);
  }).catch((cause: unknown) => {
    throw new Error(
      `Tests need PostgreSQL at ${TEST_SERVER_URL} (set TEST_DATABASE_URL): ${String(cause)}`,
      { cause },
    );
  });
  await Promise.all([
    buildProject(),
    migrate(
      await openDatabase({
        kind: "postgres",
        url: testDatabaseUrl(postgresTemplateName),
        poolSize: 2,
      }),
    ),
    migratedPgliteArchive(pgliteArchive),
  ]);
  project.provide("testTemplates", templates);
  return dropTemplates;
}

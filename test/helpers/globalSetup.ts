/**
 * Runs once before the suite: migrates the PostgreSQL and PGlite templates that every
 * test file copies (see testDatabases.ts), and deletes them after the suite; compiles the
 * server into dist/ for the tests that run its commands as a person would.
 */
import { rm } from "node:fs/promises";
import type { TestProject } from "vitest/node";
import { buildProject } from "./buildProject.js";
import { applyPendingMigrations, openDatabase, type Database } from "../../src/db/index.js";
import {
  TEST_SERVER_URL,
  testDatabaseUrl,
  testTemplatesFor,
  withAdminClient,
} from "./testDatabases.js";

async function migrate(database: Database): Promise<void> {
  try {
    await applyPendingMigrations(database.adapterFactory);
  } finally {
    await database.close();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const templates = testTemplatesFor(process.pid);
  const { postgresTemplateName, pgliteTemplateDir, pgliteEmptyTemplateDir } = templates;
  const dropTemplates = async () => {
    await withAdminClient((client) =>
      client.query(`DROP DATABASE IF EXISTS "${postgresTemplateName}" WITH (FORCE)`),
    );
    await rm(pgliteTemplateDir, { recursive: true, force: true });
    await rm(pgliteEmptyTemplateDir, { recursive: true, force: true });
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
  await rm(pgliteTemplateDir, { recursive: true, force: true });
  await rm(pgliteEmptyTemplateDir, { recursive: true, force: true });
  await Promise.all([
    buildProject(),
    migrate(
      await openDatabase({
        kind: "postgres",
        url: testDatabaseUrl(postgresTemplateName),
        poolSize: 2,
      }),
    ),
    migrate(await openDatabase({ kind: "embedded", dataDir: pgliteTemplateDir })),
    openDatabase({ kind: "embedded", dataDir: pgliteEmptyTemplateDir }).then((db) => db.close()),
  ]);
  project.provide("testTemplates", templates);
  return dropTemplates;
}

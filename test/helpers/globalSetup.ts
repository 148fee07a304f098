/**
 * Runs once before the suite: migrates the PostgreSQL and PGlite templates that every
 * test file copies (see testDatabases.ts).
 */
import { rm } from "node:fs/promises";
import { applyPendingMigrations, openDatabase, type Database } from "../../src/db/index.js";
import {
  PGLITE_TEMPLATE_DIR,
  POSTGRES_TEMPLATE_NAME,
  TEST_SERVER_URL,
  testDatabaseUrl,
  withAdminClient,
} from "./testDatabases.js";

async function migrate(database: Database): Promise<void> {
  try {
    await applyPendingMigrations(database.adapterFactory);
  } finally {
    await database.close();
  }
}

export default async function setup(): Promise<void> {
  await withAdminClient(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${POSTGRES_TEMPLATE_NAME}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${POSTGRES_TEMPLATE_NAME}"`);
  }).catch((cause: unknown) => {
    throw new Error(
      `Tests need PostgreSQL at ${TEST_SERVER_URL} (set TEST_DATABASE_URL): ${String(cause)}`,
      { cause },
    );
  });
  await rm(PGLITE_TEMPLATE_DIR, { recursive: true, force: true });
  await Promise.all([
    migrate(
      await openDatabase({
        kind: "postgres",
        url: testDatabaseUrl(POSTGRES_TEMPLATE_NAME),
        poolSize: 2,
      }),
    ),
    migrate(await openDatabase({ kind: "embedded", dataDir: PGLITE_TEMPLATE_DIR })),
  ]);
}

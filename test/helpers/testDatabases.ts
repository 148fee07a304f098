/**
 * Test databases: real PostgreSQL (TEST_DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432) and the embedded PGlite database.
 *
 * globalSetup migrates one template of each kind once; every test file then gets its own
 * fresh copy (CREATE DATABASE ... TEMPLATE on PostgreSQL, a copied data directory for
 * PGlite), so files run in parallel without seeing each other's rows.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/index.js";

export const TEST_SERVER_URL =
  process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432";
export const POSTGRES_TEMPLATE_NAME = "activelog_test_template";
export const PGLITE_TEMPLATE_DIR = join(tmpdir(), "activelog-test-template-pglite");

/** The URL of one database on the test server. */
export function testDatabaseUrl(databaseName: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${databaseName}`;
  return url.toString();
}

/** Runs SQL on the server's maintenance database (`postgres`). */
export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl("postgres") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase extends Database {
  /** The PostgreSQL database's URL, or the PGlite data directory. */
  readonly location: string;
  /** Closes the database and deletes it. */
  destroy(): Promise<void>;
}

/** A fresh, migrated PostgreSQL database of its own. */
export async function createPostgresTestDatabase(
  options: { poolSize?: number } = {},
): Promise<TestDatabase> {
  const name = `activelog_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await withAdminClient((client) =>
    client.query(`CREATE DATABASE "${name}" TEMPLATE "${POSTGRES_TEMPLATE_NAME}"`),
  );
  const url = testDatabaseUrl(name);
  const database = await openDatabase({ kind: "postgres", url, poolSize: options.poolSize ?? 10 });
  return {
    ...database,
    location: url,
    async destroy() {
      await database.close();
      await withAdminClient((client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

/** A fresh, migrated embedded PGlite database in a temporary directory. */
export async function createEmbeddedTestDatabase(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), "activelog-test-pglite-"));
  await cp(PGLITE_TEMPLATE_DIR, dataDir, { recursive: true });
  const database = await openDatabase({ kind: "embedded", dataDir });
  return {
    ...database,
    location: dataDir,
    async destroy() {
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type DatabaseKind = Database["config"]["kind"];

export function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === "postgres" ? createPostgresTestDatabase() : createEmbeddedTestDatabase();
}

/**
 * Test databases: real PostgreSQL (TEST_DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432) and the embedded PGlite database.
 *
 * globalSetup migrates one template of each kind once; every test file then gets its own
 * fresh copy (CREATE DATABASE ... TEMPLATE on PostgreSQL; for PGlite, an in-memory
 * database loaded from an archive of the migrated one, which costs no disk copy), so files
 * run in parallel without seeing each other's rows.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import {
  migrationCommands,
  migrationPaths,
  openDatabase,
  type Database,
} from "../../src/db/index.js";
import { applyPendingMigrations } from "@activelog/prisma-wasm-migrate";
import { forTests } from "./forTests.js";

export const TEST_SERVER_URL =
  process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432";

export interface TestTemplates {
  postgresTemplateName: string;
  /** A tar archive (PGlite's dumpDataDir) of a migrated embedded database. */
  pgliteArchive: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    testTemplates: TestTemplates;
  }
}

/**
 * The templates of one test run. Each run has its own (named after the vitest process),
 * so runs started at the same time on one machine do not delete each other's templates.
 */
export function testTemplatesFor(runId: string | number): TestTemplates {
  return {
    postgresTemplateName: `activelog_test_template_${runId}`,
    pgliteArchive: join(tmpdir(), `activelog-test-template-pglite-${runId}.tar`),
  };
}

const templates = (): TestTemplates => inject("testTemplates");

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
  /** The PostgreSQL database's URL, or `memory://` for PGlite. */
  readonly location: string;
  /** Closes the database and deletes it. */
  destroy(): Promise<void>;
}

function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
}

/** A new PostgreSQL database, copied from `template` when given, that destroy() drops. */
async function postgresTestDatabase(options: {
  prefix: string;
  template?: string;
  poolSize: number;
}): Promise<TestDatabase> {
  const name = uniqueName(options.prefix);
  const template = options.template ? ` TEMPLATE "${options.template}"` : "";
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"${template}`));
  const url = testDatabaseUrl(name);
  const database = await openDatabase({ kind: "postgres", url, poolSize: options.poolSize });
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

/**
 * An in-memory PGlite database, loaded from `archive` (a migrated database), or else
 * from the install's empty template; destroy() closes it.
 */
async function embeddedTestDatabase(archive?: string): Promise<TestDatabase> {
  const database = await openDatabase({ kind: "embedded", dataDir: "memory://", archive });
  return { ...database, location: "memory://", destroy: () => database.close() };
}

/** A fresh, migrated PostgreSQL database of its own. */
export function createPostgresTestDatabase(
  options: { poolSize?: number } = {},
): Promise<TestDatabase> {
  return postgresTestDatabase({
    prefix: "activelog_test",
    template: templates().postgresTemplateName,
    poolSize: options.poolSize ?? 10,
  });
}

/**
 * A fresh, migrated embedded PGlite database in a data directory of its own, for tests
 * that close and reopen it (most tests want createEmbeddedTestDatabase, in memory);
 * destroy() deletes the directory.
 */
export async function createEmbeddedTestDatabaseOnDisk(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), "activelog-test-pglite-"));
  const database = await openDatabase({ kind: "embedded", dataDir });
  await applyPendingMigrations(database.adapterFactory, migrationPaths, {
    commands: migrationCommands,
  });
  return {
    ...database,
    location: dataDir,
    async destroy() {
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh, migrated embedded PGlite database (in memory). */
export function createEmbeddedTestDatabase(): Promise<TestDatabase> {
  return embeddedTestDatabase(templates().pgliteArchive);
}

export type DatabaseKind = Database["config"]["kind"];

/**
 * A fresh database with nothing in it, not even migrations: an empty PostgreSQL
 * database, or a new in-memory PGlite database.
 */
export function createEmptyTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === "postgres"
    ? postgresTestDatabase({ prefix: "activelog_test_empty", poolSize: 4 })
    : embeddedTestDatabase();
}

export function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === "postgres" ? createPostgresTestDatabase() : createEmbeddedTestDatabase();
}

/**
 * A fresh database for the tests of the enclosing describe: created before them
 * (beforeAll), destroyed after them (afterAll). Give its kind, or the function that creates
 * it (e.g. `() => createPostgresTestDatabase({ poolSize: 1 })`). Use it like the database
 * itself (`database.prisma`); touching it outside a test, before it exists, throws.
 */
export function useTestDatabase(
  kindOrCreate: DatabaseKind | (() => Promise<TestDatabase>),
): TestDatabase {
  return forTests(
    "useTestDatabase: the database",
    typeof kindOrCreate === "function" ? kindOrCreate : () => createTestDatabase(kindOrCreate),
    (database) => database.destroy(),
  );
}

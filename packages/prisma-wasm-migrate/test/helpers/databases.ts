/**
 * Empty databases for the tests to migrate: a new database on the PostgreSQL server at
 * TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432), or a new in-memory
 * PGlite database. Each test gets its own, so test files run in parallel.
 */
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { inject } from "vitest";
import { executeScriptAtomically } from "../../src/index.js";
import { pgliteAdapterFactory } from "../../src/pgliteAdapter.js";
import { openScratchPglite } from "../../src/scratchDatabase.js";

export type DatabaseKind = "PostgreSQL" | "PGlite";

export interface TestDatabase {
  readonly description: string;
  /** The database as a project gives it to the package. */
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Runs SQL beside the package, to look at what it did. */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Closes the database and deletes it. */
  destroy(): Promise<void>;
}

/** A blank PGlite data directory's archive, made once for the run (see globalSetup.ts). */
export const blankDataDirArchive = (): string => inject("blankDataDirArchive");

export function createEmptyDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === "PostgreSQL" ? emptyPostgresDatabase() : emptyPgliteDatabase();
}

/** A new, empty database on the test server; `drop()` deletes it, closing what is connected. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `prisma_wasm_migrate_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const server = new URL(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432");
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: new URL("/postgres", server).toString() });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE "${name}"`);
  return {
    url: new URL(`/${name}`, server).toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/**
 * adapter-pg as the package asks a project to give it: with migration scripts sent whole
 * (executeScriptAtomically), not split on ";" as adapter-pg 7.10 does.
 */
export function postgresAdapterFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  // idleTimeoutMillis 0: adapter-pg 7.10's connectToShadowDb never ends the pool it opens on
  // the main database to create the shadow one. Were its idle client to time out, it would
  // be ending, without an error listener, when the test's DROP DATABASE ... WITH (FORCE)
  // terminates it: an uncaught 57P01. Kept idle, the pool's listener takes that error.
  const factory = new PrismaPg({ connectionString: url, max: 2, idleTimeoutMillis: 0 });
  const connectAsIs = factory.connect.bind(factory);
  const connect = async () => {
    const adapter = await connectAsIs();
    const sendWhole = (script: string) => adapter.underlyingDriver().query(script);
    return Object.assign(adapter, { executeScript: executeScriptAtomically(sendWhole) });
  };
  return Object.assign(factory, { connect });
}

async function emptyPostgresDatabase(): Promise<TestDatabase> {
  const database = await createPostgresDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  return {
    description: `PostgreSQL database ${database.url}`,
    adapterFactory: postgresAdapterFactory(database.url),
    query: async <Row>(sql: string, params?: unknown[]) =>
      (await pool.query(sql, params)).rows as Row[],
    async destroy() {
      await pool.end();
      await database.drop();
    },
  };
}

async function emptyPgliteDatabase(): Promise<TestDatabase> {
  const openBlank = () => openScratchPglite(blankDataDirArchive());
  const pglite: PGlite = await openBlank();
  return {
    description: "in-memory PGlite database",
    adapterFactory: pgliteAdapterFactory(pglite, openBlank),
    query: async <Row>(sql: string, params?: unknown[]) =>
      (await pglite.query<Row>(sql, params)).rows,
    destroy: () => pglite.close(),
  };
}

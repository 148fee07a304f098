/**
 * Database selection: the one place that knows which database the app runs on.
 *
 * - `DATABASE_URL` set (postgres:// or postgresql://): PostgreSQL through
 *   `@prisma/adapter-pg`, with a connection pool of `DATABASE_POOL_SIZE` (default 10).
 * - Otherwise: an embedded PGlite database persisted in `PGLITE_DATA_DIR`
 *   (default `./.data/pglite`; `memory://` keeps it in memory), so a newcomer needs no
 *   database server.
 *
 * The app sees the same Prisma client either way. Where PGlite differs it is handled here:
 * isolation levels are applied inside the transaction (see embeddedAdapter.ts), and since
 * PGlite is a single connection, concurrent transactions queue one behind another
 * (a transaction that waits longer than its `maxWait` fails to start).
 */
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "../generated/prisma/client.js";
import { embeddedAdapterFactory, openPglite } from "./embeddedAdapter.js";
import { postgresWithAtomicScripts } from "./migrations/scriptExecution.js";

export { PrismaClient };
export { Prisma } from "../generated/prisma/client.js";
export type { Activity, Notification, User, UserStats } from "../generated/prisma/client.js";

export const DEFAULT_PGLITE_DATA_DIR = "./.data/pglite";
export const DEFAULT_POOL_SIZE = 10;

export type DatabaseConfig =
  { kind: "postgres"; url: string; poolSize: number } | { kind: "embedded"; dataDir: string };

export interface Database {
  readonly config: DatabaseConfig;
  readonly prisma: PrismaClient;
  /** Used by the migration runner: the same database, for Prisma's schema engine. */
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /** Disconnects Prisma and closes the pool or the embedded database. Safe to call twice. */
  close(): Promise<void>;
}

/** The database could not be reached or opened; the message says which and why. */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A database URL with its password hidden, fit for logs and error messages. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.kind === "embedded") return `embedded PGlite database at ${config.dataDir}`;
  try {
    const url = new URL(config.url);
    if (url.password) url.password = "***";
    return `PostgreSQL at ${url.toString()}`;
  } catch {
    return "PostgreSQL (unparseable DATABASE_URL)";
  }
}

/** Reads the database settings from the environment; throws on malformed values. */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error("DATABASE_URL must start with postgres:// or postgresql://");
    }
    const poolSizeText = env.DATABASE_POOL_SIZE?.trim() || String(DEFAULT_POOL_SIZE);
    const poolSize = Number(poolSizeText);
    if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) {
      throw new Error(
        `DATABASE_POOL_SIZE must be a whole number from 1 to 1000, got "${poolSizeText}"`,
      );
    }
    return { kind: "postgres", url, poolSize };
  }
  const dataDir = env.PGLITE_DATA_DIR?.trim() || DEFAULT_PGLITE_DATA_DIR;
  return { kind: "embedded", dataDir: dataDir === "memory://" ? dataDir : resolve(dataDir) };
}

/**
 * Opens the configured database and checks that it answers.
 * Throws {@link DatabaseUnavailableError} naming the database when it does not.
 */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  let adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  let pglite: PGlite | undefined;
  if (config.kind === "postgres") {
    adapterFactory = postgresWithAtomicScripts(
      new PrismaPg({
        connectionString: config.url,
        max: config.poolSize,
        connectionTimeoutMillis: 5_000,
      }),
    );
  } else {
    try {
      if (config.dataDir !== "memory://") await mkdir(config.dataDir, { recursive: true });
      pglite = await openPglite(config.dataDir);
    } catch (cause) {
      throw new DatabaseUnavailableError(
        `Cannot open the ${describeDatabase(config)}: ${messageOf(cause)}`,
        { cause },
      );
    }
    adapterFactory = embeddedAdapterFactory(pglite);
  }

  const prisma = new PrismaClient({ adapter: adapterFactory });
  let closing: Promise<void> | undefined;
  const database: Database = {
    config,
    prisma,
    adapterFactory,
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    close() {
      closing ??= (async () => {
        await prisma.$disconnect();
        await pglite?.close();
      })();
      return closing;
    },
  };

  try {
    await database.ping();
  } catch (cause) {
    await database.close().catch(() => {});
    throw new DatabaseUnavailableError(
      `Cannot reach the ${describeDatabase(config)}: ${messageOf(cause)}`,
      { cause },
    );
  }
  return database;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = (error as { code?: unknown }).code;
    // Prisma's message opens with the invocation ("Invalid `prisma.$queryRaw()`
    // invocation:") and ends with the driver's words: "... Message: `<what failed>`".
    const driverMessage = /Message: `(.*)`\s*$/.exec(error.message)?.[1];
    const detail = driverMessage || error.message || (typeof code === "string" ? code : error.name);
    return cause instanceof Error && cause.message && !detail.includes(cause.message)
      ? `${detail} (${cause.message})`
      : detail;
  }
  return String(error);
}

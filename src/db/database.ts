/**
 * Database selection: the one place that knows which database the app runs on.
 *
 * - `DATABASE_URL` set (postgres:// or postgresql://): PostgreSQL through
 *   `@prisma/adapter-pg`, with a connection pool of `DATABASE_POOL_SIZE` (default 10).
 * - Otherwise: an embedded PGlite database persisted in `PGLITE_DATA_DIR`
 *   (default `./.data/pglite`; `memory://` keeps it in memory), so a newcomer needs no
 *   database server.
 *
 * The app sees the same Prisma client either way. Where PGlite differs it is handled in
 * embedded/ (a thread of its own, one session, isolation levels really applied).
 *
 * Light to import on purpose: the Prisma client and the PostgreSQL driver load inside
 * openDatabase, while the embedded database's thread starts, so the server's start does
 * not wait for one and then the other.
 */
import { mkdirSync } from "node:fs";
import { driverAdapterErrorMessage } from "@activelog/prisma-wasm-migrate";
import {
  isDriverAdapterError,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { DataDirLockedError, lockDataDir, type DataDirLock } from "./embedded/dataDirLock.js";
import { seedDataDirFromTemplate } from "./embedded/dataDirTemplate.js";
import { embeddedAdapterFactory } from "./embedded/embeddedAdapter.js";
import { PgliteWorkerClient } from "./embedded/pgliteWorkerClient.js";
import type { ConnectionStats, WithConnectionStats } from "./connectionStats.js";
import { transactionClientFlattener } from "./flatTransactionClient.js";
import { runInTransactionScope } from "./transactionScope.js";
import { describeDatabase, type DatabaseConfig } from "./config.js";

export {
  databaseConfigFromEnv,
  DEFAULT_PGLITE_DATA_DIR,
  DEFAULT_POOL_SIZE,
  describeDatabase,
  type DatabaseConfig,
} from "./config.js";

/** `prisma.$transaction(fn, options)`, with a signal that cancels the transaction's work. */
export interface TransactionStarter {
  $transaction<R>(
    fn: (tx: Prisma.TransactionClient) => Promise<R>,
    options?: {
      isolationLevel?: Prisma.TransactionIsolationLevel;
      timeout?: number;
      maxWait?: number;
      signal?: AbortSignal;
    },
  ): Promise<R>;
}

export interface Database {
  readonly config: DatabaseConfig;
  readonly prisma: PrismaClient;
  /**
   * Starts interactive transactions like `prisma.$transaction`, and takes a `signal`: when
   * it aborts, the statement in flight is cancelled and the transaction rolls back. While
   * `fn` runs, transaction control sent through its client (a raw COMMIT) is refused
   * (transactionControl.ts). `fn` gets the same client as `prisma.$transaction` would give
   * it, as a plain object rather than Prisma's stack of proxies (flatTransactionClient.ts).
   * What the broker runs its workflows through.
   */
  readonly transactions: TransactionStarter;
  /** Used by the migration runner: the same database, for Prisma's schema engine. */
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /** The connections right now: the pool's, or the embedded database's one session. */
  connectionStats(): ConnectionStats;
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

/**
 * Opens the configured database and checks that it answers.
 * Throws {@link DatabaseUnavailableError} naming the database when it does not, and
 * {@link DataDirLockedError} when another process has the embedded database open.
 */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  const [{ PrismaClient }, opened] = await Promise.all([
    import("../generated/prisma/client.js"),
    config.kind === "postgres" ? openPostgres(config) : openEmbedded(config),
  ]);
  const { adapterFactory } = opened;
  // "minimal": Prisma's other formats capture a stack trace (`new Error()`) on every query,
  // to point their message at the calling line; a third of the client's own CPU per
  // query in a profile of createActivity. Our errors name the workflow and step instead.
  const prisma = new PrismaClient({ adapter: adapterFactory, errorFormat: "minimal" });
  const flatten = transactionClientFlattener(prisma) ?? ((tx) => tx);
  let closing: Promise<void> | undefined;
  const database: Database = {
    config,
    prisma,
    transactions: {
      $transaction(fn, options = {}) {
        // With an isolation level, always: the adapter takes the scope only from a start
        // that names one (transactionScope.ts). ReadCommitted is both databases' default.
        const { signal, isolationLevel = "ReadCommitted", timeout, maxWait } = options;
        const scope = { signal, inProgress: true };
        const work: typeof fn = async (tx) => {
          try {
            return await fn(flatten(tx));
          } finally {
            scope.inProgress = false;
          }
        };
        return runInTransactionScope(scope, () =>
          prisma.$transaction(work, { isolationLevel, timeout, maxWait }),
        );
      },
    },
    adapterFactory,
    connectionStats: () => opened.adapterFactory.connectionStats(),
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    close() {
      closing ??= (async () => {
        await prisma.$disconnect();
        await opened.close?.();
      })();
      return closing;
    },
  };

  // The embedded database answered when its thread opened it. A server is checked here, so
  // that one it cannot reach fails the start, naming it.
  if (config.kind === "embedded") return database;
  try {
    await checkAnswers(adapterFactory);
  } catch (cause) {
    await database.close().catch(() => {});
    throw new DatabaseUnavailableError(
      `Cannot reach the ${describeDatabase(config)}: ${messageOf(cause)}`,
      { cause },
    );
  }
  return database;
}

interface OpenedDatabase {
  adapterFactory: SqlMigrationAwareDriverAdapterFactory & WithConnectionStats;
  close?: () => Promise<void>;
}

/**
 * Rejects, in Prisma's words, when the database behind `factory` does not answer. Through
 * an adapter of its own rather than the Prisma client: the client compiles its query
 * engine on its first query, which the server's start should not wait for.
 */
async function checkAnswers(factory: SqlMigrationAwareDriverAdapterFactory): Promise<void> {
  const adapter = await factory.connect();
  try {
    await adapter.queryRaw({ sql: "SELECT 1", args: [], argTypes: [] });
  } finally {
    await adapter.dispose().catch(() => {});
  }
}

async function openPostgres(config: {
  kind: "postgres";
  url: string;
  poolSize: number;
}): Promise<OpenedDatabase> {
  const { postgresAdapterFactory } = await import("./postgresAdapter.js");
  return { adapterFactory: postgresAdapterFactory({ url: config.url, poolSize: config.poolSize }) };
}

/**
 * The embedded database: its directory locked for this process, seeded from the
 * prepared template when new, and PGlite started in its own thread.
 */
async function openEmbedded(
  config: Extract<DatabaseConfig, { kind: "embedded" }>,
): Promise<OpenedDatabase> {
  const inMemory = config.dataDir === "memory://";
  let lock: DataDirLock | undefined;
  try {
    // Synchronously up to the thread's start: the event loop is about to be busy loading
    // the server's modules, and the database should be opening meanwhile.
    if (!inMemory) {
      mkdirSync(config.dataDir, { recursive: true });
      lock = lockDataDir(config.dataDir);
      seedDataDirFromTemplate(config.dataDir);
    }
    const client = await PgliteWorkerClient.start(config.dataDir, config.archive);
    return {
      adapterFactory: embeddedAdapterFactory(client),
      async close() {
        await client.close();
        lock?.release();
      },
    };
  } catch (cause) {
    lock?.release();
    if (cause instanceof DataDirLockedError) throw cause;
    throw new DatabaseUnavailableError(
      `Cannot open the ${describeDatabase(config)}: ${messageOf(cause)}`,
      { cause },
    );
  }
}

function messageOf(error: unknown): string {
  if (isDriverAdapterError(error)) return driverAdapterErrorMessage(error.cause);
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

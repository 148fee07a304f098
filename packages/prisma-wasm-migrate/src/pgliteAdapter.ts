/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) behind Prisma's
 * driver-adapter interface, with the one behaviour it gets wrong put right.
 *
 * pglite-prisma-adapter sends `SET TRANSACTION ISOLATION LEVEL ...` *before* `BEGIN`.
 * Outside a transaction that statement has no effect, so every transaction silently
 * runs at READ COMMITTED; and because PGlite is a single connection, it could even land
 * inside another caller's open transaction. Here the level is set as the first statement
 * inside the new transaction, where PostgreSQL applies it.
 *
 * The adapter also does not await migration scripts, and its shadow databases are never
 * closed; both are replaced here (see migrations/scriptExecution.ts).
 */
import { PGlite } from "@electric-sql/pglite";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { executeScriptAtomically } from "./migrations/scriptExecution.js";

const ISOLATION_LEVELS: ReadonlySet<IsolationLevel> = new Set([
  "READ UNCOMMITTED",
  "READ COMMITTED",
  "REPEATABLE READ",
  "SERIALIZABLE",
]);

function correctedAdapter(
  pglite: PGlite,
  adapter: SqlDriverAdapter,
  dispose: () => Promise<void> = () => adapter.dispose(),
): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query: SqlQuery) => adapter.queryRaw(query),
    executeRaw: (query: SqlQuery) => adapter.executeRaw(query),
    executeScript: executeScriptAtomically((script) => pglite.exec(script)),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose,
    async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
      if (isolationLevel !== undefined && !ISOLATION_LEVELS.has(isolationLevel)) {
        throw new Error(`Unsupported isolation level for the embedded database: ${isolationLevel}`);
      }
      const transaction = await adapter.startTransaction();
      if (isolationLevel !== undefined) {
        try {
          await transaction.executeRaw({
            sql: `SET TRANSACTION ISOLATION LEVEL ${isolationLevel}`,
            args: [],
            argTypes: [],
          });
        } catch (error) {
          await transaction.rollback();
          throw error;
        }
      }
      return transaction;
    },
  };
}

/**
 * A Prisma driver-adapter factory for a PGlite database that applies isolation levels.
 * Its shadow databases (used by the schema engine to diff migrations) are fresh
 * in-memory PGlite instances from `openShadow`, closed when the engine disposes them.
 */
export function embeddedAdapterFactory(
  pglite: PGlite,
  openShadow: () => Promise<PGlite> = () => openPglite("memory://"),
): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPGlite(pglite);
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => correctedAdapter(pglite, await inner.connect()),
    async connectToShadowDb() {
      const shadow = await openShadow();
      const adapter = await new PrismaPGlite(shadow).connect();
      let closed: Promise<void> | undefined;
      return correctedAdapter(shadow, adapter, () => (closed ??= shadow.close()));
    },
  };
}

/** Opens (creating on first use) a PGlite database in `dataDir`, or in memory for `memory://`. */
export async function openPglite(dataDir: string): Promise<PGlite> {
  return PGlite.create(dataDir === "memory://" ? undefined : dataDir);
}

/**
 * PostgreSQL behind Prisma's driver-adapter interface: `@prisma/adapter-pg` with a pool,
 * and three changes.
 *
 * - Transactions whose signal aborts (the broker's deadline, or a client that went away)
 *   stop at once: the statement in flight is cancelled with PostgreSQL's cancel request
 *   (a separate connection naming the backend), so a step blocked in `pg_sleep` or behind
 *   a row lock does not run on with its locks and its connection until it finishes. The
 *   transaction then rolls back, and its connection is closed rather than reused (a
 *   cancel that lands late could hit the next statement); the pool opens a new one.
 *   Cancelling costs nothing per transaction; a `SET LOCAL statement_timeout` would
 *   cost a round trip on every one and bound each statement rather than the run.
 * - The session default isolation level is set at connect (READ COMMITTED), so a
 *   transaction at that level is one `BEGIN` instead of `BEGIN` plus
 *   `SET TRANSACTION ISOLATION LEVEL ...`: a round trip less on every workflow.
 * - Migration scripts run whole, as one implicit transaction (see executeScriptAtomically in
 *   packages/prisma-wasm-migrate).
 */
import { connect as connectTcp, type Socket } from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import type {
  IsolationLevel,
  SqlMigrationAwareDriverAdapterFactory,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { executeScriptAtomically } from "@activelog/prisma-wasm-migrate";
import type pg from "pg";
import { guardTransactionControl } from "./transactionControl.js";
import type { ConnectionStats, WithConnectionStats } from "./connectionStats.js";
import { takeTransactionScope } from "./transactionScope.js";

/** The session default every pooled connection gets at connect. */
const SESSION_ISOLATION_LEVEL: IsolationLevel = "READ COMMITTED";

export interface PostgresAdapterOptions {
  url: string;
  poolSize: number;
  connectionTimeoutMs?: number;
}

/** What pg keeps of a connection that a cancel request needs (internal to pg, stable across 8.x). */
interface CancellableClient {
  processID: number | null;
  secretKey: number | null;
  host: string;
  port: number;
  _getActiveQuery?: () => unknown;
}

/** Sends PostgreSQL's CancelRequest for the backend behind `client`; resolves once sent. */
export function sendCancelRequest(client: CancellableClient): Promise<void> {
  const { processID, secretKey, host, port } = client;
  if (processID === null || secretKey === null) return Promise.resolve();
  const message = Buffer.alloc(16);
  message.writeInt32BE(16, 0);
  message.writeInt32BE(80877102, 4); // the CancelRequest code
  message.writeInt32BE(processID, 8);
  message.writeInt32BE(secretKey, 12);
  return new Promise((resolve) => {
    const socket: Socket = host.startsWith("/")
      ? connectTcp({ path: `${host}/.s.PGSQL.${port}` })
      : connectTcp({ host, port });
    socket.setTimeout(5_000, () => socket.destroy());
    socket.once("connect", () => socket.end(message));
    socket.once("close", () => resolve());
    socket.once("error", () => resolve()); // best effort: the rollback still follows
  });
}

/** Cancels the statement in flight on `transaction`'s connection when `signal` aborts. */
function cancelOnAbort(transaction: Transaction, signal: AbortSignal): void {
  const client = (transaction as unknown as { client?: pg.PoolClient & CancellableClient }).client;
  if (!client) return;
  let cancelled = false;
  const onAbort = () => {
    if (!client._getActiveQuery?.()) return; // between statements: the rollback ends it
    cancelled = true;
    void sendCancelRequest(client);
  };
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) onAbort();

  const end =
    (original: () => Promise<void>): (() => Promise<void>) =>
    () => {
      signal.removeEventListener("abort", onAbort);
      if (cancelled) {
        // pg-pool gives each checkout its own release; passing an error closes the connection.
        const release = client.release.bind(client);
        client.release = () => release(true);
      }
      return original();
    };
  transaction.commit = end(transaction.commit.bind(transaction));
  transaction.rollback = end(transaction.rollback.bind(transaction));
}

/** A Prisma driver-adapter factory for the PostgreSQL database at `options.url`. */
export function postgresAdapterFactory(
  options: PostgresAdapterOptions,
): SqlMigrationAwareDriverAdapterFactory & WithConnectionStats {
  const factory = new PrismaPg({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    options: `-c default_transaction_isolation=${SESSION_ISOLATION_LEVEL.toLowerCase().replace(" ", "\\ ")}`,
  });
  // Each connect() opens a pool of its own (the Prisma client's, a start-up check's): the
  // ones not yet disposed are counted together.
  const pools = new Set<pg.Pool>();
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connectionStats(): ConnectionStats {
      const stats = { max: options.poolSize * pools.size, inUse: 0, idle: 0, waiting: 0 };
      for (const pool of pools) {
        stats.inUse += pool.totalCount - pool.idleCount;
        stats.idle += pool.idleCount;
        stats.waiting += pool.waitingCount;
      }
      return stats;
    },
    async connect() {
      const adapter = await factory.connect();
      const pool = adapter.underlyingDriver();
      pools.add(pool);
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = () => {
        pools.delete(pool);
        return dispose();
      };
      // A query without parameters goes over the simple protocol, which accepts many
      // statements and runs them as one implicit transaction.
      adapter.executeScript = executeScriptAtomically((script) => pool.query(script));
      const startTransaction = adapter.startTransaction.bind(adapter);
      adapter.startTransaction = async (isolationLevel?: IsolationLevel) => {
        const scope = takeTransactionScope(isolationLevel);
        const transaction = await startTransaction(
          isolationLevel === SESSION_ISOLATION_LEVEL ? undefined : isolationLevel,
        );
        if (scope?.signal) cancelOnAbort(transaction, scope.signal);
        if (scope) guardTransactionControl(transaction, scope);
        return transaction;
      };
      return adapter;
    },
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}

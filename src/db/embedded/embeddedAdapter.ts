/**
 * The embedded database behind Prisma's driver-adapter interface: PGlite in a worker
 * thread (see pgliteWorker.mjs), one session shared by the whole process.
 *
 * - One thing at a time: a statement, or a whole transaction, holds the session; others
 *   queue in arrival order. A transaction that waits longer than its `maxWait` is given
 *   up by Prisma (SERVICE_BUSY), as on a full PostgreSQL pool.
 * - Isolation levels are really applied: `BEGIN ISOLATION LEVEL ...`, one statement.
 *   (pglite-prisma-adapter sends SET TRANSACTION before BEGIN, where it has no effect.)
 * - A transaction started in a scope whose signal aborts (the broker's deadline, or a
 *   client that went away) does not run on: a statement still in flight
 *   {@link CANCEL_GRACE_MS} after the abort is stopped by restarting the database thread,
 *   which rolls the transaction back, and the session is free again. PGlite cannot cancel
 *   a statement any other way; PostgreSQL's cancel request plays this part on a server.
 *   An in-memory database would not survive the restart: there the statement runs to
 *   its end (the broker's run has rejected already; the session is busy until then).
 * - Migration scripts run whole, as one implicit transaction (see executeScriptAtomically in
 *   packages/prisma-wasm-migrate).
 */
import { executeScriptAtomically } from "@activelog/prisma-wasm-migrate";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { guardTransactionControl } from "../transactionControl.js";
import type { ConnectionStats, WithConnectionStats } from "../connectionStats.js";
import { takeTransactionScope } from "../transactionScope.js";
import {
  PgliteWorkerClient,
  statementCancelledError,
  type WorkerOperation,
} from "./pgliteWorkerClient.js";

/** How long a statement in flight may go on after its transaction's signal aborted. */
export const CANCEL_GRACE_MS = 50;

const ADAPTER_NAME = "pglite-prisma-adapter";
const ISOLATION_LEVELS: ReadonlySet<string> = new Set([
  "READ UNCOMMITTED",
  "READ COMMITTED",
  "REPEATABLE READ",
  "SERIALIZABLE",
]);

/** First come, first served access to the one session. */
class SessionLock {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  /** The session as a pool of one: in use or idle, and how many wait for it. */
  stats(): ConnectionStats {
    const inUse = this.#held ? 1 : 0;
    return { max: 1, inUse, idle: 1 - inUse, waiting: this.#waiting.length };
  }

  /** Resolves with the release function once the session is ours; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const next = this.#waiting.shift();
        if (next) next();
        else this.#held = false;
      };
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(release);
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal?.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      if (!this.#held) {
        this.#held = true;
        return grant();
      }
      this.#waiting.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

interface Session {
  readonly client: PgliteWorkerClient;
  readonly lock: SessionLock;
}

async function exclusive<T>(session: Session, work: () => Promise<T>): Promise<T> {
  const release = await session.lock.acquire();
  try {
    return await work();
  } finally {
    release();
  }
}

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : "its transaction was aborted";
}

class EmbeddedTransaction implements Transaction {
  readonly provider = "postgres" as const;
  readonly adapterName = ADAPTER_NAME;
  readonly options = { usePhantomQuery: false };
  #state: "open" | "cancelled" | "ended" = "open";
  /** The statement in flight, if any. */
  #inFlight: { settled: boolean } | undefined;
  readonly #session: Session;
  readonly #release: () => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => {
    if (this.#inFlight) this.#cancelSoon(this.#inFlight);
  };

  constructor(session: Session, release: () => void, signal: AbortSignal | undefined) {
    this.#session = session;
    this.#release = release;
    this.#signal = signal;
    signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  async #run(operation: WorkerOperation): Promise<unknown> {
    if (this.#state === "cancelled") {
      throw statementCancelledError("its transaction was cancelled and rolled back");
    }
    if (this.#state === "ended") throw new Error("The transaction has already ended");
    const statement = { settled: false };
    this.#inFlight = statement;
    if (this.#signal?.aborted) this.#cancelSoon(statement);
    try {
      return await this.#session.client.request(operation);
    } finally {
      statement.settled = true;
      if (this.#inFlight === statement) this.#inFlight = undefined;
    }
  }

  #cancelSoon(statement: { settled: boolean }): void {
    const signal = this.#signal;
    if (!this.#session.client.canRestart) return;
    setTimeout(() => {
      if (statement.settled || this.#state !== "open" || !signal) return;
      this.#state = "cancelled";
      void this.#session.client.restart(reasonOf(signal));
    }, CANCEL_GRACE_MS).unref();
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return (await this.#run({ op: "query", query })) as SqlResultSet;
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    // The restart already rolled a cancelled transaction back; Prisma's ROLLBACK has nothing left to do.
    if (this.#state === "cancelled" && /^\s*ROLLBACK\b/i.test(query.sql)) return 0;
    return (await this.#run({ op: "execute", query })) as number;
  }

  async commit(): Promise<void> {
    this.#end();
  }

  // Prisma's nested `tx.$transaction`.
  async createSavepoint(name: string): Promise<void> {
    await this.executeRaw({ sql: `SAVEPOINT ${name}`, args: [], argTypes: [] });
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.executeRaw({ sql: `ROLLBACK TO SAVEPOINT ${name}`, args: [], argTypes: [] });
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.executeRaw({ sql: `RELEASE SAVEPOINT ${name}`, args: [], argTypes: [] });
  }

  async rollback(): Promise<void> {
    this.#end();
  }

  #end(): void {
    if (this.#state === "open") this.#state = "ended";
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#release();
  }
}

function embeddedAdapter(session: Session, dispose: () => Promise<void>): SqlDriverAdapter {
  const request = (operation: WorkerOperation) =>
    exclusive(session, () => session.client.request(operation));
  return {
    provider: "postgres",
    adapterName: ADAPTER_NAME,
    queryRaw: async (query) => (await request({ op: "query", query })) as SqlResultSet,
    executeRaw: async (query) => (await request({ op: "execute", query })) as number,
    executeScript: executeScriptAtomically((script) => request({ op: "script", script })),
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    dispose,
    async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
      const scope = takeTransactionScope(isolationLevel);
      if (isolationLevel !== undefined && !ISOLATION_LEVELS.has(isolationLevel)) {
        throw new Error(`Unsupported isolation level for the embedded database: ${isolationLevel}`);
      }
      const signal = scope?.signal;
      const release = await session.lock.acquire(signal);
      try {
        await session.client.request({
          op: "execute",
          query: {
            sql: isolationLevel ? `BEGIN ISOLATION LEVEL ${isolationLevel}` : "BEGIN",
            args: [],
            argTypes: [],
          },
        });
      } catch (error) {
        release();
        throw error;
      }
      const transaction = new EmbeddedTransaction(session, release, signal);
      if (scope) guardTransactionControl(transaction, scope);
      return transaction;
    },
  };
}

/**
 * A Prisma driver-adapter factory for the embedded database run by `client`. Every
 * adapter it makes shares the one session. Shadow databases (the schema engine's scratch
 * space) are new in-memory databases in threads of their own, ended when disposed.
 */
export function embeddedAdapterFactory(
  client: PgliteWorkerClient,
): SqlMigrationAwareDriverAdapterFactory & WithConnectionStats {
  const session: Session = { client, lock: new SessionLock() };
  return {
    connectionStats: () => session.lock.stats(),
    provider: "postgres",
    adapterName: ADAPTER_NAME,
    connect: async () => embeddedAdapter(session, async () => {}),
    async connectToShadowDb() {
      const shadow = await PgliteWorkerClient.start("memory://");
      return embeddedAdapter({ client: shadow, lock: new SessionLock() }, () => shadow.close());
    },
  };
}

/**
 * The main thread's side of the embedded database's worker (pgliteWorker.mjs): starts it,
 * sends it one request at a time and matches the answers, and restarts it when a
 * statement must be stopped (ending the thread is the only way to stop PGlite mid-statement).
 */
import { Worker } from "node:worker_threads";
import { DriverAdapterError, type Error as DriverError } from "@prisma/driver-adapter-utils";
import { dataDirTemplateArchive } from "./dataDirTemplate.js";

/** An error as the worker sends it (see serializeError in pgliteWorker.mjs). */
type SerializedError =
  | { type: "driver-adapter"; payload: DriverError }
  | { type: "driver"; name: string; message: string; fields: Record<string, string> };

type WorkerMessage =
  | { type: "ready"; wasmModule?: unknown }
  | { type: "failed"; error: SerializedError }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SerializedError };

export type WorkerOperation =
  | { op: "query"; query: unknown }
  | { op: "execute"; query: unknown }
  | { op: "script"; script: string };

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const WORKER_URL = new URL("./pgliteWorker.mjs", import.meta.url);

/** PGlite's compiled WebAssembly, once a thread of this process has compiled it: given to the next ones. */
let compiledWasm: unknown;

/** What a statement stopped by a restart rejects with: PostgreSQL's own "query_canceled". */
export function statementCancelledError(reason: string): DriverAdapterError {
  return new DriverAdapterError({
    kind: "postgres",
    code: "57014",
    severity: "ERROR",
    message: `canceling statement: ${reason}`,
    detail: undefined,
    column: undefined,
    hint: undefined,
  });
}

function rebuildError(error: SerializedError): Error {
  if (error.type === "driver-adapter") return new DriverAdapterError(error.payload);
  // The driver's fields (code, position, ...) stay on the error, as PGlite's own error has them.
  return Object.assign(new Error(error.message), { name: error.name }, error.fields);
}

/** One running worker thread with one PGlite instance. */
class WorkerThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #exited = false;
  /** Called when the thread ends without having been asked to. */
  onUnexpectedExit: (error: Error) => void = () => {};
  readonly ready: Promise<void>;

  constructor(dataDir: string, archive: string | undefined) {
    const templateArchive =
      dataDir === "memory://" ? (archive ?? dataDirTemplateArchive()) : undefined;
    this.#worker = new Worker(WORKER_URL, {
      workerData: { dataDir, templateArchive, wasmModule: compiledWasm },
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if ("type" in message) {
          this.#worker.off("message", onMessage);
          if (message.type === "ready") {
            compiledWasm ??= message.wasmModule;
            resolve();
          } else reject(rebuildError(message.error));
        }
      };
      this.#worker.on("message", onMessage);
      this.#worker.once("error", reject);
      this.#worker.once("exit", (code) =>
        reject(new Error(`the database thread exited with code ${code} while starting`)),
      );
    });
    this.ready.catch(() => {}); // observed by whoever awaits it; never unhandled
    this.#worker.on("message", (message: WorkerMessage) => {
      if (!("id" in message)) return;
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(rebuildError(message.error));
    });
    this.#worker.on("error", (error) => this.#ended(error));
    this.#worker.on("exit", (code) =>
      this.#ended(new Error(`the embedded database's thread exited (code ${code})`)),
    );
  }

  #ended(error: Error): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#rejectAll(error);
    this.onUnexpectedExit(error);
  }

  #rejectAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  request(operation: WorkerOperation | { op: "close" }): Promise<unknown> {
    if (this.#exited) return Promise.reject(new Error("the embedded database's thread has ended"));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...operation });
    });
  }

  /** Ends the thread at once, rejecting what is in flight with `error`. */
  async terminate(error: Error): Promise<void> {
    this.#exited = true;
    this.#rejectAll(error);
    await this.#worker.terminate();
  }

  /** Closes PGlite cleanly, then ends the thread. */
  async close(): Promise<void> {
    try {
      await this.request({ op: "close" });
    } finally {
      this.#exited = true;
      await this.#worker.terminate();
    }
  }
}

/**
 * The embedded database's thread, kept running: requests made while it restarts wait for
 * the new one. Callers serialize their requests (PGlite is one session).
 */
export class PgliteWorkerClient {
  readonly #dataDir: string;
  readonly #archive: string | undefined;
  /** The thread requests go to, once it is ready; rejects when it could not start. */
  #current: Promise<WorkerThread>;
  #closed = false;
  /** Called after each restart, with why it happened, and the error if it failed. */
  onRestart: (reason: string, error?: Error) => void = () => {};

  private constructor(dataDir: string, archive: string | undefined) {
    this.#dataDir = dataDir;
    this.#archive = archive;
    this.#current = this.#spawn();
  }

  /**
   * Starts the thread and resolves once PGlite has opened `dataDir`. `memory://`: in
   * memory, loaded from `archive` (a `dumpDataDir` tar) or else from the template's.
   */
  static async start(dataDir: string, archive?: string): Promise<PgliteWorkerClient> {
    const client = new PgliteWorkerClient(dataDir, archive);
    await client.#current;
    return client;
  }

  /** A new thread; resolves once PGlite is open, or rejects (having ended it) if it fails. */
  async #spawn(): Promise<WorkerThread> {
    const thread = new WorkerThread(this.#dataDir, this.#archive);
    thread.onUnexpectedExit = (error) => {
      if (!this.#closed) {
        void this.#replace(thread, `the database thread ended unexpectedly: ${error.message}`);
      }
    };
    try {
      await thread.ready;
    } catch (error) {
      await thread.terminate(error as Error).catch(() => {});
      throw error;
    }
    return thread;
  }

  /**
   * Ends `old` (rejecting its requests in flight) and only then starts its successor, so
   * that two PGlite instances never have the data directory open at once.
   */
  #replace(old: WorkerThread, reason: string): Promise<void> {
    const ended = old.terminate(statementCancelledError(reason));
    this.#current = ended.then(() => this.#spawn());
    this.#current.then(
      () => this.onRestart(reason),
      (error: Error) => this.onRestart(reason, error),
    );
    return ended;
  }

  /**
   * False for an in-memory database: restarting its thread would lose it, so a statement
   * in flight there is never stopped, only waited for.
   */
  get canRestart(): boolean {
    return this.#dataDir !== "memory://";
  }

  async request(operation: WorkerOperation): Promise<unknown> {
    if (this.#closed) throw new Error("the embedded database is closed");
    return (await this.#current).request(operation);
  }

  /**
   * Stops the statement in flight by ending the thread, which rejects it with
   * `statementCancelledError(reason)`, then starts a new thread on the same data directory
   * (PGlite recovers it as PostgreSQL recovers after a crash: what was not committed is
   * gone). Resolves once the old thread has ended; requests wait for the new one.
   */
  async restart(reason: string): Promise<void> {
    if (this.#closed) return;
    const old = await this.#current.catch(() => undefined);
    if (old) await this.#replace(old, reason);
  }

  /** Closes PGlite cleanly and ends the thread. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const thread = await this.#current.catch(() => undefined);
    await thread?.close().catch(() => thread.terminate(new Error("closed")));
  }
}

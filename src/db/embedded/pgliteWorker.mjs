// @ts-check
// The embedded database's thread: one PGlite instance (PostgreSQL compiled to
// WebAssembly), driven by messages from the main thread (see pgliteWorkerClient.ts).
//
// Plain JavaScript on purpose: a worker is started from a file path, and this file must
// run as it is both from src/ (under the test runner) and from dist/.
//
// PGlite runs statements synchronously on the thread that calls it. Here, that is this
// worker: the API's event loop stays free while a query runs, the two can use both
// cores, and a statement that must be stopped can be, by ending this thread (PGlite has
// no way to cancel a statement; its data directory recovers like a crashed server's).
//
// Statements go through pglite-prisma-adapter's own queryRaw/executeRaw, so argument
// mapping, result parsing and error conversion are exactly Prisma's. Transactions are
// plain BEGIN/COMMIT statements: the main thread serializes access to the one session.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

if (!parentPort) throw new Error("pgliteWorker.mjs runs as a worker thread only");
const port = parentPort;

/** @type {{ dataDir: string, templateArchive?: string, wasmModule?: WebAssembly.Module }} */
const { dataDir, templateArchive } = workerData;

/**
 * PGlite's WebAssembly, compiled: given by the main thread when an earlier thread of this
 * process compiled it (a third of a second saved on every start after the first), or
 * compiled here and sent back for the next.
 */
async function wasmModule() {
  if (workerData.wasmModule) return { module: workerData.wasmModule, compiledHere: false };
  const packageDir = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  const bytes = readFileSync(join(packageDir, "pglite.wasm"));
  return { module: await WebAssembly.compile(bytes), compiledHere: true };
}

/**
 * An error as the main thread rebuilds it: a DriverAdapterError's payload (what Prisma
 * reads), or the driver's own fields (what the migration runner reports).
 * @param {unknown} error
 */
function serializeError(error) {
  const fields = /** @type {Record<string, unknown>} */ (
    typeof error === "object" && error !== null ? error : {}
  );
  if (fields.name === "DriverAdapterError" && typeof fields.cause === "object") {
    return { type: "driver-adapter", payload: fields.cause };
  }
  const driverFields = {};
  for (const key of ["code", "severity", "message", "detail", "column", "hint", "position"]) {
    if (typeof fields[key] === "string") driverFields[key] = fields[key];
  }
  return {
    type: "driver",
    name: typeof fields.name === "string" ? fields.name : "Error",
    message: error instanceof Error ? error.message : String(error),
    fields: driverFields,
  };
}

/**
 * PGlite's own, and 16 MB of shared buffers where the data directory's postgresql.conf
 * says 128 MB: they live in this thread's WebAssembly memory, which never shrinks, and the
 * server's RSS went from about 355 MiB to 530 MiB as they filled (after 20,000 requests).
 * An embedded database is a small one; the files it reads stay in the OS's page cache.
 */
const START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

let pglite;
let adapter;
try {
  const { module, compiledHere } = await wasmModule();
  pglite =
    dataDir !== "memory://"
      ? await PGlite.create({ dataDir, pgliteWasmModule: module, startParams: START_PARAMS })
      : await PGlite.create({
          pgliteWasmModule: module,
          startParams: START_PARAMS,
          // In memory: from the template's archive (about 1 s) rather than initdb (about 5 s).
          ...(templateArchive && { loadDataDir: new Blob([readFileSync(templateArchive)]) }),
        });
  adapter = await new PrismaPGlite(pglite).connect();
  port.postMessage({ type: "ready", ...(compiledHere && { wasmModule: module }) });
} catch (error) {
  port.postMessage({ type: "failed", error: serializeError(error) });
}

/** @type {Record<string, (message: any) => Promise<unknown>>} */
const operations = {
  query: ({ query }) => adapter.queryRaw(query),
  execute: ({ query }) => adapter.executeRaw(query),
  // A migration script: one simple-protocol query, so its statements run as one implicit
  // transaction (see executeScriptAtomically in packages/prisma-wasm-migrate).
  script: async ({ script }) => {
    await pglite.exec(script);
  },
  close: async () => {
    await pglite.close();
  },
};

// One message at a time, in order: the main thread never sends a second before the
// first is answered, but a queue here keeps the order even if it did.
let queue = Promise.resolve();
port.on("message", (message) => {
  queue = queue.then(async () => {
    const operation = operations[message.op];
    try {
      if (!operation) throw new Error(`Unknown operation ${String(message.op)}`);
      const value = await operation(message);
      port.postMessage({ id: message.id, ok: true, value });
    } catch (error) {
      port.postMessage({ id: message.id, ok: false, error: serializeError(error) });
    }
  });
});

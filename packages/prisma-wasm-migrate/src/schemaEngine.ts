/**
 * Loads Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`).
 *
 * The native schema engine is downloaded from Prisma's CDN, which these machines cannot
 * reach; the same engine ships in the npm registry as WebAssembly. Its package is built
 * for bundlers (it imports the `.wasm` file as a module), so plain Node loads it by hand.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
// Types only: the bindings load with the engine, when a migration needs it.
import type * as Bindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import { isScriptError, type ScriptError } from "./scriptExecution.js";

export type { SchemaEngine };

// Node has WebAssembly built in, but @types/node 20 does not declare it (only the DOM
// lib does), so the little this module uses is declared here.
// eslint-disable-next-line @typescript-eslint/no-namespace -- mirrors the global the runtime provides
declare namespace WebAssembly {
  type ModuleImports = Record<string, unknown>;
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, ModuleImports>);
    readonly exports: Record<string, unknown>;
  }
}

let compiledModule: Promise<WebAssembly.Module> | undefined;
let instantiated: Promise<typeof Bindings> | undefined;

function compileEngine(): Promise<WebAssembly.Module> {
  compiledModule ??= (async () => {
    // The package exports no package.json; its bindings file sits beside the .wasm.
    const require = createRequire(import.meta.url);
    const packageDir = dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    const bytes = await readFile(join(packageDir, "schema_engine_bg.wasm"));
    return new WebAssembly.Module(bytes);
  })();
  return compiledModule;
}

/**
 * The bindings as the engine imports them, except that its timers do not keep the process
 * alive: the engine leaves one running for about 10 s after its work is done, which held
 * every process that migrated (the server, the commands, the test runner) open that long.
 */
function withUnrefTimers(bindings: WebAssembly.ModuleImports): WebAssembly.ModuleImports {
  const imports: WebAssembly.ModuleImports = { ...bindings };
  for (const [name, binding] of Object.entries(bindings)) {
    if (!name.startsWith("__wbg_setTimeout_") || typeof binding !== "function") continue;
    imports[name] = (...args: unknown[]) => {
      const timer = (binding as (...args: unknown[]) => unknown)(...args);
      (timer as { unref?: () => void } | null)?.unref?.();
      return timer;
    };
  }
  return imports;
}

/** The engine's JS bindings, wired to one WebAssembly instance per process. */
function loadBindings(): Promise<typeof Bindings> {
  instantiated ??= (async () => {
    const [module, bindings] = await Promise.all([
      compileEngine(),
      import("@prisma/schema-engine-wasm/schema_engine_bg"),
    ]);
    const instance = new WebAssembly.Instance(module, {
      "./schema_engine_bg.js": withUnrefTimers(bindings as unknown as WebAssembly.ModuleImports),
    });
    bindings.__wbg_set_wasm(instance.exports as Parameters<typeof bindings.__wbg_set_wasm>[0]);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return instantiated;
}

/**
 * Starts a schema engine for one Prisma schema, talking to the database behind
 * `adapterFactory` (adapter-pg for PostgreSQL, pglite-prisma-adapter for PGlite).
 */
export async function startSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schema: { path: string; content: string },
): Promise<SchemaEngine> {
  const { SchemaEngine: Engine } = await loadBindings();
  return Engine.new(
    { datamodels: [[schema.path, schema.content]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}

export const NO_SCHEMA_FILTER = { externalTables: [], externalEnums: [] };

export interface EngineSession {
  readonly engine: SchemaEngine;
  /** The last error a migration script raised in this session, with the driver's details. */
  readonly lastScriptError: ScriptError | undefined;
}

/**
 * Runs `fn` with a schema engine, then frees the engine and closes every connection it
 * opened. The engine opens connections through the factory but never closes them
 * (freeing it does not dispose its adapters); left open, they would keep a pool alive
 * and block `DROP DATABASE` or template copies.
 */
export async function withSchemaEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schema: { path: string; content: string },
  fn: (session: EngineSession) => Promise<T>,
): Promise<T> {
  const opened: SqlDriverAdapter[] = [];
  let lastScriptError: ScriptError | undefined;
  const track = async (connect: () => Promise<SqlDriverAdapter>) => {
    const adapter = await connect();
    opened.push(adapter);
    const executeScript = adapter.executeScript.bind(adapter);
    adapter.executeScript = async (script) => {
      try {
        await executeScript(script);
      } catch (error) {
        if (isScriptError(error)) lastScriptError = error;
        throw error;
      }
    };
    return adapter;
  };
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: () => track(() => adapterFactory.connect()),
    connectToShadowDb: () => track(() => adapterFactory.connectToShadowDb()),
  };

  try {
    const engine = await startSchemaEngine(tracked, schema);
    try {
      return await fn({
        engine,
        get lastScriptError() {
          return lastScriptError;
        },
      });
    } finally {
      engine.free();
    }
  } finally {
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  }
}

/** The schema engine's error code (`P3009`, ...), when it gave one. */
export function engineErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * The engine's error message without its Rust span trace ("0: sql_schema_connector::...")
 * and without the generic "external connector error" line.
 */
export function engineErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n");
  const traceStart = lines.findIndex((line) => /^\s+\d+: \S+::/.test(line));
  return (traceStart === -1 ? lines : lines.slice(0, traceStart))
    .filter((line) => line.trim() !== "" && line.trim() !== "external connector error")
    .join("\n")
    .trim();
}

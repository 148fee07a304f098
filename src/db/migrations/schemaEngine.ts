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
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import * as bindings from "@prisma/schema-engine-wasm/schema_engine_bg";

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
let instantiated: Promise<typeof bindings> | undefined;

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

/** The engine's JS bindings, wired to one WebAssembly instance per process. */
function loadBindings(): Promise<typeof bindings> {
  instantiated ??= (async () => {
    const module = await compileEngine();
    const instance = new WebAssembly.Instance(module, {
      "./schema_engine_bg.js": bindings as unknown as WebAssembly.ModuleImports,
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

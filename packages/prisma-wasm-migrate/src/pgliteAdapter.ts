/**
 * PGlite (PostgreSQL compiled to WebAssembly) in this process, behind Prisma's
 * driver-adapter interface: the scratch databases a diff runs on.
 *
 * pglite-prisma-adapter is used as it is, except for two things the schema engine needs:
 * it does not await migration scripts (see scriptExecution.ts), and it never closes its
 * shadow databases.
 */
import type { PGlite } from "@electric-sql/pglite";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { executeScriptAtomically } from "./scriptExecution.js";

function withAwaitedScripts(pglite: PGlite, adapter: SqlDriverAdapter): SqlDriverAdapter {
  adapter.executeScript = executeScriptAtomically((script) => pglite.exec(script));
  return adapter;
}

/**
 * A Prisma driver-adapter factory for `pglite`. Its shadow databases (where the schema
 * engine replays migrations) are new databases from `openShadow`, closed when the engine
 * disposes them.
 */
export function pgliteAdapterFactory(
  pglite: PGlite,
  openShadow: () => Promise<PGlite>,
): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPGlite(pglite);
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => withAwaitedScripts(pglite, await inner.connect()),
    async connectToShadowDb() {
      const shadow = await openShadow();
      const adapter = withAwaitedScripts(shadow, await new PrismaPGlite(shadow).connect());
      let closed: Promise<void> | undefined;
      adapter.dispose = () => (closed ??= shadow.close());
      return adapter;
    },
  };
}

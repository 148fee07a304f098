/**
 * Applies pending migrations exactly as `prisma migrate deploy` does (same
 * `_prisma_migrations` rows), using Prisma's schema engine compiled to WebAssembly.
 */
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import {
  defaultMigrationPaths,
  readMigrationList,
  readSchema,
  type MigrationPaths,
} from "./migrationFiles.js";
import { startSchemaEngine } from "./schemaEngine.js";

export const NO_SCHEMA_FILTER = { externalTables: [], externalEnums: [] };

export interface AppliedMigrations {
  /** Names of the migrations applied by this call; empty when the database was up to date. */
  appliedMigrationNames: string[];
}

/** Applies every migration in `paths.migrationsDir` that the database has not applied yet. */
export async function applyPendingMigrations(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  paths: MigrationPaths = defaultMigrationPaths,
): Promise<AppliedMigrations> {
  const connections = trackConnections(adapterFactory);
  const engine = await startSchemaEngine(connections.factory, await readSchema(paths.schemaPath));
  try {
    const migrationsList = await readMigrationList(paths.migrationsDir);
    return await engine.applyMigrations({ migrationsList, filters: NO_SCHEMA_FILTER });
  } finally {
    engine.free();
    await connections.disposeAll();
  }
}

/**
 * The schema engine opens connections through the factory but never closes them (freeing
 * the engine does not dispose its adapters); left open, they keep a pool alive and block
 * `DROP DATABASE` or template copies. This records them so they can be closed.
 */
function trackConnections(factory: SqlMigrationAwareDriverAdapterFactory): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  disposeAll(): Promise<void>;
} {
  const opened: SqlDriverAdapter[] = [];
  const track = async (connect: () => Promise<SqlDriverAdapter>) => {
    const adapter = await connect();
    opened.push(adapter);
    return adapter;
  };
  return {
    factory: {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: () => track(() => factory.connect()),
      connectToShadowDb: () => track(() => factory.connectToShadowDb()),
    },
    async disposeAll() {
      await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
    },
  };
}

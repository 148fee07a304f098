/**
 * Applies pending migrations exactly as `prisma migrate deploy` does (same
 * `_prisma_migrations` rows, same refusal to continue past a failed migration), using
 * Prisma's schema engine compiled to WebAssembly, and refuses to run when an applied
 * migration's file was edited afterwards.
 */
import {
  isDriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList } from "@prisma/schema-engine-wasm";
import {
  DatabaseUnreachableError,
  FailedMigrationInDatabaseError,
  MigrationEditedError,
  MigrationError,
  MigrationFailedError,
  MigrationNotResolvableError,
  SchemaEngineError,
  type MigrationCommands,
  type Remedy,
} from "./migrationErrors.js";
import {
  assertMigrationListUsable,
  migrationScripts,
  readMigrationList,
  readSchema,
  scriptMatchesChecksum,
  type MigrationPaths,
} from "./migrationFiles.js";
import { driverAdapterErrorMessage } from "./driverErrors.js";
import {
  migrationState,
  readMigrationHistory,
  type MigrationHistoryRow,
} from "./migrationHistory.js";
import {
  engineErrorCode,
  engineErrorMessage,
  NO_SCHEMA_FILTER,
  withSchemaEngine,
  type EngineSession,
} from "./schemaEngine.js";

export interface AppliedMigrations {
  /** Names of the migrations applied by this call; empty when the database was up to date. */
  appliedMigrationNames: string[];
}

export interface MigrationOptions {
  /** The project's commands, which the advice in error messages names. */
  commands: MigrationCommands;
  /** Names the database in error messages, e.g. `PostgreSQL at postgresql://...` (no password). */
  databaseDescription?: string;
}

/**
 * Applies every migration in `paths.migrationsDir` that the database has not applied yet,
 * each in its own transaction, in name (= timestamp) order.
 *
 * Before applying anything it refuses, with a {@link MigrationError} naming the
 * migration, when the database holds a migration that failed earlier
 * ({@link FailedMigrationInDatabaseError}) or an applied migration whose migration.sql has
 * changed since ({@link MigrationEditedError}). A migration that fails now is recorded as
 * failed and reported as {@link MigrationFailedError}; the ones before it stay applied.
 */
export async function applyPendingMigrations(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  paths: MigrationPaths,
  options: MigrationOptions,
): Promise<AppliedMigrations> {
  const database = options.databaseDescription ?? "the database";
  const remedy: Remedy = { commands: options.commands, migrationsDir: paths.migrationsDir };
  const migrationsList = await readMigrationList(paths.migrationsDir);
  assertMigrationListUsable(migrationsList);

  // Checked here rather than left to the engine: the engine does not compare checksums
  // when applying, and its report of a failed migration does not say how to resolve it.
  const history = await readHistory(adapterFactory, database);
  refuseUnsafeHistory(history, migrationsList, remedy);
  // Nothing pending (every start of an up-to-date server): the engine, a large
  // WebAssembly module, would load only to say so.
  const applied = new Set(
    history.filter((row) => migrationState(row) === "applied").map((row) => row.migrationName),
  );
  if ([...migrationScripts(migrationsList).keys()].every((name) => applied.has(name))) {
    return { appliedMigrationNames: [] };
  }

  return withSchemaEngine(adapterFactory, await readSchema(paths.schemaPath), async (session) => {
    try {
      return await session.engine.applyMigrations({ migrationsList, filters: NO_SCHEMA_FILTER });
    } catch (error) {
      throw await explainApplyFailure(error, session, adapterFactory, history, database, remedy);
    }
  });
}

/**
 * Resolves a failed migration the way `prisma migrate resolve` does: `"rolled-back"`
 * marks it rolled back (the next run applies it again, from its current file);
 * `"applied"` records it as applied without running it (for changes made by hand, or to
 * baseline a database whose schema was created another way).
 */
export async function resolveMigration(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  migrationName: string,
  resolution: "applied" | "rolled-back",
  paths: MigrationPaths,
  options: Pick<MigrationOptions, "databaseDescription"> = {},
): Promise<void> {
  const database = options.databaseDescription ?? "the database";
  const migrationsList = await readMigrationList(paths.migrationsDir);
  assertMigrationListUsable(migrationsList);
  const latest = (await readHistory(adapterFactory, database))
    .filter((row) => row.migrationName === migrationName)
    .at(-1);
  const state = latest ? migrationState(latest) : "not in the database";

  if (resolution === "rolled-back" && state !== "failed") {
    throw new MigrationNotResolvableError(
      `Migration ${migrationName} cannot be marked rolled back: only a failed migration can, ` +
        `and in ${database} it is ${state}.`,
    );
  }
  if (resolution === "applied") {
    if (state === "applied") {
      throw new MigrationNotResolvableError(
        `Migration ${migrationName} is already applied in ${database}.`,
      );
    }
    if (!migrationScripts(migrationsList).has(migrationName)) {
      throw new MigrationNotResolvableError(
        `Migration ${migrationName} is not in ${paths.migrationsDir}: only a migration ` +
          `that exists there can be marked applied.`,
      );
    }
  }

  await withSchemaEngine(adapterFactory, await readSchema(paths.schemaPath), async ({ engine }) => {
    try {
      if (resolution === "applied") {
        await engine.markMigrationApplied({ migrationName, migrationsList });
      } else {
        await engine.markMigrationRolledBack({ migrationName });
      }
    } catch (error) {
      throw new SchemaEngineError(
        `Could not mark ${migrationName} ${resolution} in ${database}: ${engineErrorMessage(error)}`,
        { cause: error },
      );
    }
  });
}

/** Reads `_prisma_migrations` on a connection of its own; failing to is failing to connect. */
async function readHistory(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  database: string,
): Promise<MigrationHistoryRow[]> {
  let connection: SqlDriverAdapter | undefined;
  try {
    connection = await adapterFactory.connect();
    return await readMigrationHistory(connection);
  } catch (cause) {
    throw new DatabaseUnreachableError(`Cannot reach ${database}: ${messageOf(cause)}`, {
      cause,
    });
  } finally {
    await connection?.dispose().catch(() => {});
  }
}

function refuseUnsafeHistory(
  history: MigrationHistoryRow[],
  migrationsList: MigrationList,
  remedy: Remedy,
): void {
  const failed = history.find((row) => migrationState(row) === "failed");
  if (failed) throw failedInDatabase(failed, remedy);
  const scripts = migrationScripts(migrationsList);
  const edited = history
    .filter((row) => migrationState(row) === "applied")
    .filter((row) => {
      const script = scripts.get(row.migrationName);
      return script !== undefined && !scriptMatchesChecksum(script, row.checksum);
    })
    .map((row) => row.migrationName);
  if (edited.length > 0) throw new MigrationEditedError([...new Set(edited)], remedy);
}

function failedInDatabase(
  row: MigrationHistoryRow,
  remedy: Remedy,
): FailedMigrationInDatabaseError {
  const failure = row.logs === null ? null : engineErrorMessage(row.logs);
  return new FailedMigrationInDatabaseError(row.migrationName, row.startedAt, failure, remedy);
}

async function explainApplyFailure(
  error: unknown,
  session: EngineSession,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  historyBefore: MigrationHistoryRow[],
  database: string,
  remedy: Remedy,
): Promise<Error> {
  if (error instanceof MigrationError) return error;
  const historyAfter = await readHistory(adapterFactory, database).catch(() => undefined);
  const failed = historyAfter?.find((row) => migrationState(row) === "failed");

  if (engineErrorCode(error) === "P3009" && failed) {
    // Another run recorded a failure between our check and the engine's.
    return failedInDatabase(failed, remedy);
  }

  const failedName =
    /migration_name="([^"]+)"/.exec(error instanceof Error ? error.message : "")?.[1] ??
    failed?.migrationName;
  if (failedName) {
    const appliedBefore = new Set(
      historyBefore.filter((row) => migrationState(row) === "applied").map((r) => r.migrationName),
    );
    const appliedNow = (historyAfter ?? [])
      .filter((row) => migrationState(row) === "applied" && !appliedBefore.has(row.migrationName))
      .map((row) => row.migrationName);
    const reason = scriptFailure(session, error);
    return new MigrationFailedError(failedName, reason, appliedNow, remedy, { cause: error });
  }
  return new SchemaEngineError(
    `Applying migrations to ${database} failed: ${engineErrorMessage(error)}`,
    { cause: error },
  );
}

/** The database's own words for a failed script, with its SQLSTATE and line when known. */
function scriptFailure(session: EngineSession, engineError: unknown): string {
  const scriptError = session.lastScriptError;
  if (!scriptError) return engineErrorMessage(engineError);
  const { message, code } = scriptError.cause as { message?: string; code?: string };
  const where = lineOf(scriptError.driverError, scriptError.script);
  const details = [code ? `SQLSTATE ${code}` : undefined, where].filter(Boolean).join(", ");
  return `${message ?? engineErrorMessage(engineError)}${details ? ` (${details})` : ""}`;
}

function lineOf(driverError: unknown, script: string): string | undefined {
  const position = Number((driverError as { position?: unknown } | null)?.position);
  if (!Number.isInteger(position) || position < 1) return undefined;
  return `line ${script.slice(0, position - 1).split("\n").length} of migration.sql`;
}

function messageOf(error: unknown): string {
  if (isDriverAdapterError(error)) return driverAdapterErrorMessage(error.cause);
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { message?: unknown } }).cause;
  const detail = error.message || error.name;
  return typeof cause?.message === "string" && cause.message && !detail.includes(cause.message)
    ? `${detail} (${cause.message})`
    : detail;
}

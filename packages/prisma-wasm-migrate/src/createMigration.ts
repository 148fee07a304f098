/**
 * Writes the next migration from the difference between the migrations folder and
 * schema.prisma, the way `prisma migrate dev --create-only` does, without a database
 * server: the schema engine replays the migrations on a scratch in-memory PGlite
 * database (its "shadow database") and diffs the result against the schema.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MigrationNameInvalidError, SchemaEngineError } from "./migrationErrors.js";
import {
  assertMigrationListUsable,
  LOCKFILE_CONTENT,
  LOCKFILE_NAME,
  readMigrationList,
  readSchema,
  type MigrationPaths,
} from "./migrationFiles.js";
import { engineErrorMessage, NO_SCHEMA_FILTER, withSchemaEngine } from "./schemaEngine.js";

const MIGRATION_NAME = /^[a-z][a-z0-9_]{0,199}$/;

/** Returns the name when it can be part of a migration folder's name; throws otherwise. */
export function validateMigrationName(name: string): string {
  if (!MIGRATION_NAME.test(name)) throw new MigrationNameInvalidError(name);
  return name;
}

export interface DiffOptions {
  /**
   * A tar archive (PGlite's `dumpDataDir`) of an empty, initdb'd PostgreSQL data directory
   * to start the scratch databases from: about 1 s each instead of initdb's 5 s. Without
   * it, the first diff of the process runs initdb once.
   */
  blankDataDirArchive?: string | undefined;
}

/**
 * The SQL that brings a database migrated with `paths.migrationsDir` to the state
 * `paths.schemaPath` describes, or `null` when they already agree.
 */
export async function diffMigrationsToSchema(
  paths: MigrationPaths,
  options: DiffOptions = {},
): Promise<string | null> {
  const migrationsList = await readMigrationList(paths.migrationsDir);
  assertMigrationListUsable(migrationsList);
  const schema = await readSchema(paths.schemaPath);

  // PGlite loads here, not with this module: a server that only applies migrations never needs it.
  const { openScratchDatabase } = await import("./scratchDatabase.js");
  const scratch = await openScratchDatabase(options.blankDataDirArchive);
  try {
    return await withSchemaEngine(scratch.adapterFactory, schema, async ({ engine }) => {
      const result = await engine
        .diff({
          from:
            migrationsList.migrationDirectories.length > 0
              ? { tag: "migrations", ...migrationsList }
              : { tag: "empty" },
          to: { tag: "schemaDatamodel", files: [schema] },
          script: true,
          // Asks the engine to say whether there is a difference: 2 when there is.
          exitCode: true,
          filters: NO_SCHEMA_FILTER,
        })
        .catch((error: unknown) => {
          throw new SchemaEngineError(
            `Could not compare ${paths.migrationsDir} with ${paths.schemaPath}: ` +
              engineErrorMessage(error),
            { cause: error },
          );
        });
      return result.exitCode === 2 ? (result.stdout ?? "") : null;
    });
  } finally {
    await scratch.close();
  }
}

export interface CreatedMigration {
  /** The folder name, e.g. `20261201093000_add_activity_tags`. */
  migrationName: string;
  /** The migration.sql written. */
  path: string;
  script: string;
}

/**
 * Writes `<migrationsDir>/<UTC yyyyMMddHHmmss>_<name>/migration.sql` with the SQL from
 * {@link diffMigrationsToSchema}, and migration_lock.toml when it is missing. Writes
 * nothing and returns `null` when schema.prisma and the migrations already agree.
 */
export async function createMigration(
  name: string,
  options: DiffOptions & { paths: MigrationPaths; now?: Date },
): Promise<CreatedMigration | null> {
  const { paths } = options;
  validateMigrationName(name);

  const lockfilePath = join(paths.migrationsDir, LOCKFILE_NAME);
  if ((await readMigrationList(paths.migrationsDir)).lockfile.content === null) {
    await mkdir(paths.migrationsDir, { recursive: true });
    await writeFile(lockfilePath, LOCKFILE_CONTENT);
  }

  const script = await diffMigrationsToSchema(paths, options);
  if (script === null) return null;

  const timestamp = await nextTimestamp(paths.migrationsDir, options.now ?? new Date());
  const migrationName = `${timestamp}_${name}`;
  const path = join(paths.migrationsDir, migrationName, "migration.sql");
  await mkdir(join(paths.migrationsDir, migrationName));
  await writeFile(path, script);
  return { migrationName, path, script };
}

/**
 * `now` as UTC yyyyMMddHHmmss, moved past the newest existing migration if needed:
 * migrations run in name order, so a new one must sort last even when a clock is behind.
 */
async function nextTimestamp(migrationsDir: string, now: Date): Promise<string> {
  const existing = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && /^\d{14}_/.test(entry.name))
    .map((entry) => entry.name.slice(0, 14))
    .sort();
  const newest = existing.at(-1);
  let candidate = now;
  if (newest !== undefined && formatTimestamp(candidate) <= newest) {
    candidate = new Date(parseTimestamp(newest).getTime() + 1_000);
  }
  return formatTimestamp(candidate);
}

function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, "").slice(0, 14);
}

function parseTimestamp(timestamp: string): Date {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(timestamp)!;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}

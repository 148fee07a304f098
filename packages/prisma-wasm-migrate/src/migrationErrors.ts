/**
 * Why migrating or creating a migration failed. Every error has a stable `code` (for
 * scripts and tests) and a message written for the person at the terminal: what failed,
 * where, and what to do next (naming the project's own commands, see {@link Remedy}).
 */
import { join } from "node:path";
import { displayPath } from "./displayPath.js";

/**
 * The commands that run this package in the project, e.g. `npm run db:migrate`: usage
 * lines and the advice in error messages name them. Arguments follow ` -- `, as npm
 * scripts take them.
 */
export interface MigrationCommands {
  /** Applies pending migrations; `--rolled-back <name>` and `--applied <name>` resolve one. */
  migrate: string;
  /** Writes the next migration: `-- <name>`. */
  createMigration: string;
}

/** What an error's advice needs to name: the project's commands and its migrations folder. */
export interface Remedy {
  commands: MigrationCommands;
  migrationsDir: string;
}

export type MigrationErrorCode =
  | "DATABASE_UNREACHABLE"
  | "MIGRATIONS_INVALID"
  | "MIGRATION_FAILED"
  | "FAILED_MIGRATION_IN_DATABASE"
  | "MIGRATION_EDITED"
  | "MIGRATION_NOT_RESOLVABLE"
  | "MIGRATION_NAME_INVALID"
  | "SCHEMA_ENGINE_ERROR";

/** The base of every error this package throws: `code` says which failure it is. */
export class MigrationError extends Error {
  override readonly name: string = "MigrationError";
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The database could not be reached or opened. */
export class DatabaseUnreachableError extends MigrationError {
  override readonly name = "DatabaseUnreachableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("DATABASE_UNREACHABLE", message, options);
  }
}

/** The migrations folder cannot be used as it is (unreadable script, missing lock file...). */
export class MigrationsInvalidError extends MigrationError {
  override readonly name = "MigrationsInvalidError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("MIGRATIONS_INVALID", message, options);
  }
}

/**
 * A migration's script failed while this run applied it. The database records it as
 * failed (`finished_at` NULL, the error in `logs`) and later runs refuse to continue
 * until it is resolved: see {@link FailedMigrationInDatabaseError}.
 */
export class MigrationFailedError extends MigrationError {
  override readonly name = "MigrationFailedError";
  constructor(
    readonly migrationName: string,
    readonly reason: string,
    readonly appliedMigrationNames: string[],
    remedy: Remedy,
    options?: { cause?: unknown },
  ) {
    super(
      "MIGRATION_FAILED",
      `Migration ${migrationName} failed: ${reason}\n` +
        appliedBefore(appliedMigrationNames) +
        `Its changes were rolled back (PostgreSQL runs a migration.sql as one transaction unless ` +
        `it contains its own BEGIN/COMMIT) and the database records it as failed.\n` +
        resolveHint(migrationName, remedy),
      options,
    );
  }
}

/** An earlier run left a failed migration: nothing more is applied until it is resolved. */
export class FailedMigrationInDatabaseError extends MigrationError {
  override readonly name = "FailedMigrationInDatabaseError";
  constructor(
    readonly migrationName: string,
    readonly startedAt: string,
    readonly failure: string | null,
    remedy: Remedy,
  ) {
    super(
      "FAILED_MIGRATION_IN_DATABASE",
      `Migration ${migrationName} failed in an earlier run (started ${startedAt})` +
        (failure ? `: ${failure}` : "") +
        `\nNo further migrations are applied until it is resolved.\n` +
        resolveHint(migrationName, remedy),
    );
  }
}

/** A migration that the database has applied was changed afterwards. */
export class MigrationEditedError extends MigrationError {
  override readonly name = "MigrationEditedError";
  constructor(
    readonly migrationNames: string[],
    { commands, migrationsDir }: Remedy,
  ) {
    const list = migrationNames.join(", ");
    super(
      "MIGRATION_EDITED",
      `Applied migration${migrationNames.length > 1 ? "s were" : " was"} edited afterwards: ${list}\n` +
        `migration.sql no longer matches the checksum the database recorded when it applied it. ` +
        `Restore the applied version (e.g. git checkout -- ${scriptPath(migrationsDir, "<name>")}) ` +
        `and put the change in a new migration (${commands.createMigration} -- <name>). Nothing was applied.`,
    );
  }
}

/** `--applied` / `--rolled-back` named a migration that is not in a failed state. */
export class MigrationNotResolvableError extends MigrationError {
  override readonly name = "MigrationNotResolvableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("MIGRATION_NOT_RESOLVABLE", message, options);
  }
}

/** The name given for a new migration is not usable as part of its folder name. */
export class MigrationNameInvalidError extends MigrationError {
  override readonly name = "MigrationNameInvalidError";
  constructor(readonly migrationName: string) {
    super(
      "MIGRATION_NAME_INVALID",
      `Invalid migration name ${JSON.stringify(migrationName)}: use lowercase letters, digits and ` +
        `underscores, starting with a letter, at most 200 characters (e.g. add_activity_tags).`,
    );
  }
}

/** Prisma's schema engine failed in a way none of the errors above describes. */
export class SchemaEngineError extends MigrationError {
  override readonly name = "SchemaEngineError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("SCHEMA_ENGINE_ERROR", message, options);
  }
}

function appliedBefore(names: string[]): string {
  return names.length > 0 ? `Applied before it in this run: ${names.join(", ")}.\n` : "";
}

function scriptPath(migrationsDir: string, migrationName: string): string {
  return displayPath(join(migrationsDir, migrationName, "migration.sql"));
}

function resolveHint(migrationName: string, { commands, migrationsDir }: Remedy): string {
  return (
    `To resolve it, either:\n` +
    `  - fix ${scriptPath(migrationsDir, migrationName)} (or the database), then run\n` +
    `      ${commands.migrate} -- --rolled-back ${migrationName}\n` +
    `      ${commands.migrate}\n` +
    `  - or, if you applied its changes by hand, run\n` +
    `      ${commands.migrate} -- --applied ${migrationName}\n` +
    `(the equivalents of prisma migrate resolve; see https://pris.ly/d/migrate-resolve)`
  );
}

/**
 * Why migrating or creating a migration failed. Every error has a stable `code` (for
 * scripts and tests) and a message written for the person at the terminal: what failed,
 * where, and what to do next.
 */

export type MigrationErrorCode =
  | "DATABASE_UNREACHABLE"
  | "MIGRATIONS_INVALID"
  | "MIGRATION_FAILED"
  | "FAILED_MIGRATION_IN_DATABASE"
  | "MIGRATION_EDITED"
  | "MIGRATION_NOT_RESOLVABLE"
  | "MIGRATION_NAME_INVALID"
  | "SCHEMA_ENGINE_ERROR";

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
    options?: { cause?: unknown },
  ) {
    super(
      "MIGRATION_FAILED",
      `Migration ${migrationName} failed: ${reason}\n` +
        appliedBefore(appliedMigrationNames) +
        `Its changes were rolled back (PostgreSQL runs a migration.sql as one transaction unless ` +
        `it contains its own BEGIN/COMMIT) and the database records it as failed.\n` +
        resolveHint(migrationName),
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
  ) {
    super(
      "FAILED_MIGRATION_IN_DATABASE",
      `Migration ${migrationName} failed in an earlier run (started ${startedAt})` +
        (failure ? `: ${failure}` : "") +
        `\nNo further migrations are applied until it is resolved.\n` +
        resolveHint(migrationName),
    );
  }
}

/** A migration that the database has applied was changed afterwards. */
export class MigrationEditedError extends MigrationError {
  override readonly name = "MigrationEditedError";
  constructor(readonly migrationNames: string[]) {
    const list = migrationNames.join(", ");
    super(
      "MIGRATION_EDITED",
      `Applied migration${migrationNames.length > 1 ? "s were" : " was"} edited afterwards: ${list}\n` +
        `migration.sql no longer matches the checksum the database recorded when it applied it. ` +
        `Restore the applied version (e.g. git checkout -- prisma/migrations/<name>/migration.sql) ` +
        `and put the change in a new migration (npm run db:migration -- <name>). Nothing was applied.`,
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

function resolveHint(migrationName: string): string {
  return (
    `To resolve it, either:\n` +
    `  - fix prisma/migrations/${migrationName}/migration.sql (or the database), then run\n` +
    `      npm run db:migrate -- --rolled-back ${migrationName}\n` +
    `      npm run db:migrate\n` +
    `  - or, if you applied its changes by hand, run\n` +
    `      npm run db:migrate -- --applied ${migrationName}\n` +
    `(the equivalents of prisma migrate resolve; see https://pris.ly/d/migrate-resolve)`
  );
}

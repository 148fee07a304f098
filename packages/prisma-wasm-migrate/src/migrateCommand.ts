/**
 * npm run db:migrate [-- options], as a function (see migrate.ts for the process).
 *
 * Applies pending migrations to the configured database, or resolves a failed one.
 */
import { databaseConfigFromEnv, describeDatabase } from "../config.js";
import { migrateDatabase, resolveDatabaseMigration } from "../migrations/migrate.js";
import {
  displayPath,
  migrationPathsFrom,
  parseCommandLine,
  PATH_OPTIONS,
  PATH_OPTIONS_HELP,
  UsageError,
  type CommandIo,
} from "./run.js";

export const MIGRATE_USAGE = `Usage: npm run db:migrate [-- options]

Applies pending migrations to the database DATABASE_URL names (PostgreSQL), or else to
the embedded PGlite database in PGLITE_DATA_DIR (default: ./.data/pglite).

Options:
  --rolled-back <name>    mark a failed migration rolled back; the next run applies it again
  --applied <name>        mark a failed (or never applied) migration applied without running it
${PATH_OPTIONS_HELP}`;

const OPTIONS = {
  ...PATH_OPTIONS,
  "rolled-back": { type: "string" },
  applied: { type: "string" },
} as const;

/** `npm run db:migrate`: see MIGRATE_USAGE. */
export async function migrate(io: CommandIo): Promise<void> {
  const { values, positionals } = parseCommandLine(OPTIONS, io.args);
  if (values.help) {
    io.out(MIGRATE_USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]}`);
  if (values["rolled-back"] && values.applied) {
    throw new UsageError("Give either --rolled-back or --applied, not both.");
  }
  const paths = migrationPathsFrom(values);
  const config = databaseConfigFromEnv(io.env);

  const resolution = values["rolled-back"]
    ? ({ name: values["rolled-back"], as: "rolled-back" } as const)
    : values.applied
      ? ({ name: values.applied, as: "applied" } as const)
      : undefined;
  if (resolution) {
    await resolveDatabaseMigration(config, resolution.name, resolution.as, paths);
    const state = resolution.as === "applied" ? "applied" : "rolled back";
    io.out(`Marked ${resolution.name} as ${state} in the ${describeDatabase(config)}.`);
    if (resolution.as === "rolled-back") io.out("Run npm run db:migrate to apply it again.");
    return;
  }

  io.out(`Migrating the ${describeDatabase(config)}`);
  const { appliedMigrationNames: applied, migrationCount } = await migrateDatabase(config, paths);
  if (migrationCount === 0) {
    io.out(`No migrations in ${displayPath(paths.migrationsDir)}: nothing to apply.`);
  } else if (applied.length === 0) {
    io.out(`Up to date: all ${plural(migrationCount, "migration")} already applied.`);
  } else {
    io.out(`Applied ${plural(applied.length, "migration")}:`);
    for (const name of applied) io.out(`  ${name}`);
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

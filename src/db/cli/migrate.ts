/**
 * npm run db:migrate [-- options]
 *
 * Applies pending migrations to the configured database, or resolves a failed one.
 */
import { databaseConfigFromEnv, describeDatabase } from "../database.js";
import { migrateDatabase, resolveDatabaseMigration } from "../migrations/migrate.js";
import {
  displayPath,
  migrationPathsFrom,
  parseCommandLine,
  PATH_OPTIONS,
  PATH_OPTIONS_HELP,
  runCommand,
  UsageError,
} from "./run.js";

const USAGE = `Usage: npm run db:migrate [-- options]

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

await runCommand(async () => {
  const { values, positionals } = parseCommandLine(OPTIONS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]}`);
  if (values["rolled-back"] && values.applied) {
    throw new UsageError("Give either --rolled-back or --applied, not both.");
  }
  const paths = migrationPathsFrom(values);
  const config = databaseConfigFromEnv();

  const resolution = values["rolled-back"]
    ? ({ name: values["rolled-back"], as: "rolled-back" } as const)
    : values.applied
      ? ({ name: values.applied, as: "applied" } as const)
      : undefined;
  if (resolution) {
    await resolveDatabaseMigration(config, resolution.name, resolution.as, paths);
    const state = resolution.as === "applied" ? "applied" : "rolled back";
    console.log(`Marked ${resolution.name} as ${state} in the ${describeDatabase(config)}.`);
    if (resolution.as === "rolled-back") console.log("Run npm run db:migrate to apply it again.");
    return;
  }

  console.log(`Migrating the ${describeDatabase(config)}`);
  const { appliedMigrationNames: applied, migrationCount } = await migrateDatabase(config, paths);
  if (migrationCount === 0) {
    console.log(`No migrations in ${displayPath(paths.migrationsDir)}: nothing to apply.`);
  } else if (applied.length === 0) {
    console.log(`Up to date: all ${plural(migrationCount, "migration")} already applied.`);
  } else {
    console.log(`Applied ${plural(applied.length, "migration")}:`);
    for (const name of applied) console.log(`  ${name}`);
  }
}, USAGE);

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

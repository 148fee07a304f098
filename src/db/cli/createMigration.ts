/**
 * npm run db:migration -- <name> [options]
 *
 * Writes the next migration from the difference between the migrations and schema.prisma.
 */
import { createMigration } from "../migrations/createMigration.js";
import {
  displayPath,
  migrationPathsFrom,
  parseCommandLine,
  PATH_OPTIONS,
  PATH_OPTIONS_HELP,
  runCommand,
  UsageError,
} from "./run.js";

const USAGE = `Usage: npm run db:migration -- <name> [options]

Writes prisma/migrations/<UTC yyyyMMddHHmmss>_<name>/migration.sql with the SQL that brings
a database from the existing migrations to prisma/schema.prisma. Writes nothing when they
already agree. <name>: lowercase letters, digits and underscores (e.g. add_activity_tags).

Options:
${PATH_OPTIONS_HELP}`;

await runCommand(async () => {
  const { values, positionals } = parseCommandLine(PATH_OPTIONS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError("Missing the migration's name.");
  if (extra.length > 0) throw new UsageError(`Unexpected argument: ${extra[0]}`);
  const paths = migrationPathsFrom(values);

  const created = await createMigration(name, { paths });
  if (created === null) {
    console.log(
      `No changes: ${displayPath(paths.schemaPath)} and the migrations in ` +
        `${displayPath(paths.migrationsDir)} already agree. Nothing written.`,
    );
    return;
  }
  console.log(`Created ${displayPath(created.path)}:\n\n${created.script.trimEnd()}\n`);
  console.log("Review it, then apply it with: npm run db:migrate");
}, USAGE);

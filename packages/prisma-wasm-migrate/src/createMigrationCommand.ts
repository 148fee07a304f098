/**
 * npm run db:migration -- <name> [options], as a function (see createMigration.ts for the process).
 *
 * Writes the next migration from the difference between the migrations and schema.prisma.
 */
import { createMigration } from "@activelog/prisma-wasm-migrate";
import { dataDirTemplateArchive } from "../embedded/dataDirTemplate.js";
import {
  displayPath,
  migrationPathsFrom,
  parseCommandLine,
  PATH_OPTIONS,
  PATH_OPTIONS_HELP,
  UsageError,
  type CommandIo,
} from "./run.js";

export const CREATE_MIGRATION_USAGE = `Usage: npm run db:migration -- <name> [options]

Writes prisma/migrations/<UTC yyyyMMddHHmmss>_<name>/migration.sql with the SQL that brings
a database from the existing migrations to prisma/schema.prisma. Writes nothing when they
already agree. <name>: lowercase letters, digits and underscores (e.g. add_activity_tags).

Options:
${PATH_OPTIONS_HELP}`;

/** `npm run db:migration`: see CREATE_MIGRATION_USAGE. */
export async function createMigrationCommand(io: CommandIo): Promise<void> {
  const { values, positionals } = parseCommandLine(PATH_OPTIONS, io.args);
  if (values.help) {
    io.out(CREATE_MIGRATION_USAGE);
    return;
  }
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError("Missing the migration's name.");
  if (extra.length > 0) throw new UsageError(`Unexpected argument: ${extra[0]}`);
  const paths = migrationPathsFrom(values);

  const created = await createMigration(name, {
    paths,
    blankDataDirArchive: dataDirTemplateArchive(),
  });
  if (created === null) {
    io.out(
      `No changes: ${displayPath(paths.schemaPath)} and the migrations in ` +
        `${displayPath(paths.migrationsDir)} already agree. Nothing written.`,
    );
    return;
  }
  io.out(`Created ${displayPath(created.path)}:\n\n${created.script.trimEnd()}\n`);
  io.out("Review it, then apply it with: npm run db:migrate");
}

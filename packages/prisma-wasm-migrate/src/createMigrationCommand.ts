/**
 * The create-migration command (`npm run db:migration -- <name> [options]` in the app):
 * writes the next migration from the difference between the migrations and the schema.
 */
import {
  migrationPathsFrom,
  parseCommandLine,
  pathOptionsHelp,
  PATH_OPTIONS,
  UsageError,
  type Command,
  type CommandIo,
} from "./command.js";
import { createMigration } from "./createMigration.js";
import { displayPath } from "./displayPath.js";
import type { MigrationCommands } from "./migrationErrors.js";
import type { MigrationPaths } from "./migrationFiles.js";

export interface CreateMigrationCommandSettings {
  /** The project's commands: the usage line and the advice it prints name them. */
  commands: MigrationCommands;
  /** The schema and migrations folder used unless --schema / --migrations-dir say otherwise. */
  paths: MigrationPaths;
  /** Speeds up the scratch databases: see `DiffOptions`. */
  blankDataDirArchive?: string | undefined;
}

/** The create-migration command, for the project `settings` describe. */
export function createMigrationCommand(settings: CreateMigrationCommandSettings): Command {
  const { commands, paths: defaults } = settings;
  const usage = `Usage: ${commands.createMigration} -- <name> [options]

Writes ${displayPath(defaults.migrationsDir)}/<UTC yyyyMMddHHmmss>_<name>/migration.sql with the SQL that brings
a database from the existing migrations to ${displayPath(defaults.schemaPath)}. Writes nothing when they
already agree. <name>: lowercase letters, digits and underscores (e.g. add_activity_tags).

Options:
${pathOptionsHelp(defaults)}`;

  async function run(io: CommandIo): Promise<void> {
    const { values, positionals } = parseCommandLine(PATH_OPTIONS, io.args);
    if (values.help) {
      io.out(usage);
      return;
    }
    const [name, ...extra] = positionals;
    if (name === undefined) throw new UsageError("Missing the migration's name.");
    if (extra.length > 0) throw new UsageError(`Unexpected argument: ${extra[0]}`);
    const paths = migrationPathsFrom(values, defaults);

    const created = await createMigration(name, {
      paths,
      blankDataDirArchive: settings.blankDataDirArchive,
    });
    if (created === null) {
      io.out(
        `No changes: ${displayPath(paths.schemaPath)} and the migrations in ` +
          `${displayPath(paths.migrationsDir)} already agree. Nothing written.`,
      );
      return;
    }
    io.out(`Created ${displayPath(created.path)}:\n\n${created.script.trimEnd()}\n`);
    io.out(`Review it, then apply it with: ${commands.migrate}`);
  }

  return { usage, run };
}

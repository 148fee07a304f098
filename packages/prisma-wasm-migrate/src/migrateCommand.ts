/**
 * The migrate command (`npm run db:migrate [-- options]` in the app): applies pending
 * migrations to the project's database, or resolves a failed one.
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
import { displayPath } from "./displayPath.js";
import type { MigrationCommands } from "./migrationErrors.js";
import type { MigrationPaths } from "./migrationFiles.js";
import {
  migrateDatabase,
  resolveDatabaseMigration,
  type MigrationTarget,
} from "./migrateTarget.js";

export interface MigrateCommandSettings {
  /** The project's commands: the usage line and the advice in messages name them. */
  commands: MigrationCommands;
  /** The schema and migrations folder used unless --schema / --migrations-dir say otherwise. */
  paths: MigrationPaths;
  /** The paragraph of the help that says which database the command migrates. */
  targetHelp: string;
  /** The database to migrate, chosen from the command's environment; throws when it is malformed. */
  target(env: NodeJS.ProcessEnv): MigrationTarget;
}

const OPTIONS = {
  ...PATH_OPTIONS,
  "rolled-back": { type: "string" },
  applied: { type: "string" },
} as const;

/** The migrate command, for the project `settings` describe. */
export function migrateCommand(settings: MigrateCommandSettings): Command {
  const { commands } = settings;
  const usage = `Usage: ${commands.migrate} [-- options]

${settings.targetHelp}

Options:
  --rolled-back <name>    mark a failed migration rolled back; the next run applies it again
  --applied <name>        mark a failed (or never applied) migration applied without running it
${pathOptionsHelp(settings.paths)}`;

  async function run(io: CommandIo): Promise<void> {
    const { values, positionals } = parseCommandLine(OPTIONS, io.args);
    if (values.help) {
      io.out(usage);
      return;
    }
    if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]}`);
    if (values["rolled-back"] && values.applied) {
      throw new UsageError("Give either --rolled-back or --applied, not both.");
    }
    const paths = migrationPathsFrom(values, settings.paths);
    const target = settings.target(io.env);

    const resolution = values["rolled-back"]
      ? ({ name: values["rolled-back"], as: "rolled-back" } as const)
      : values.applied
        ? ({ name: values.applied, as: "applied" } as const)
        : undefined;
    if (resolution) {
      await resolveDatabaseMigration(target, resolution.name, resolution.as, paths);
      const state = resolution.as === "applied" ? "applied" : "rolled back";
      io.out(`Marked ${resolution.name} as ${state} in the ${target.description}.`);
      if (resolution.as === "rolled-back") io.out(`Run ${commands.migrate} to apply it again.`);
      return;
    }

    io.out(`Migrating the ${target.description}`);
    const { appliedMigrationNames: applied, migrationCount } = await migrateDatabase(
      target,
      paths,
      commands,
    );
    if (migrationCount === 0) {
      io.out(`No migrations in ${displayPath(paths.migrationsDir)}: nothing to apply.`);
    } else if (applied.length === 0) {
      io.out(`Up to date: all ${plural(migrationCount, "migration")} already applied.`);
    } else {
      io.out(`Applied ${plural(applied.length, "migration")}:`);
      for (const name of applied) io.out(`  ${name}`);
    }
  }

  return { usage, run };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

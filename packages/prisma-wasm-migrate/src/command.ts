/**
 * What the two commands share: option parsing, reporting, exit codes.
 *
 * A command runs on its arguments, environment and output streams (CommandIo), so tests
 * run it in-process; `runAsProcess` runs one as a process, and exits with its code
 * explicitly. Failures print one clear message, no stack (set DEBUG=1 for it), and exit
 * with 1; usage errors exit with 2.
 */
import { resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { displayPath } from "./displayPath.js";
import { MigrationError } from "./migrationErrors.js";
import type { MigrationPaths } from "./migrationFiles.js";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const PATH_OPTIONS = {
  "migrations-dir": { type: "string" },
  schema: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/** The help's lines for PATH_OPTIONS, with the project's paths as the defaults. */
export function pathOptionsHelp(defaults: MigrationPaths): string {
  return `  --migrations-dir <dir>  migrations folder (default: ${displayPath(defaults.migrationsDir)})
  --schema <file>         Prisma schema (default: ${displayPath(defaults.schemaPath)})
  -h, --help              show this help`;
}

/** What a command reads and writes: its arguments, its environment, its two outputs. */
export interface CommandIo {
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Writes a line (a newline is added) to standard output. */
  out(line: string): void;
  /** Writes a line (a newline is added) to standard error. */
  err(line: string): void;
}

/** A command: does its work through `io`, throws to fail (see {@link execute}). */
export interface Command {
  /** The help text, printed for --help and after a usage error. */
  readonly usage: string;
  run(io: CommandIo): Promise<void>;
}

/** Parses the command's arguments; unknown options are usage errors. */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig["options"]>>(
  options: O,
  args: string[],
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The paths the options name, relative to the current directory; `defaults` for the others. */
export function migrationPathsFrom(
  values: { "migrations-dir"?: string; schema?: string },
  defaults: MigrationPaths,
): MigrationPaths {
  return {
    migrationsDir: values["migrations-dir"]
      ? resolve(values["migrations-dir"])
      : defaults.migrationsDir,
    schemaPath: values.schema ? resolve(values.schema) : defaults.schemaPath,
  };
}

/** Runs `command`, reports a failure on `io.err`, and resolves with the exit code. */
export async function execute(command: Command, io: CommandIo): Promise<number> {
  try {
    await command.run(io);
    return 0;
  } catch (error) {
    return report(error, command.usage, io);
  }
}

/** Runs `command` as this process (arguments, environment, stdout, stderr), then exits with its code. */
export async function runAsProcess(command: Command): Promise<never> {
  const exitCode = await execute(command, {
    args: process.argv.slice(2),
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  await flush(process.stdout);
  await flush(process.stderr);
  process.exit(exitCode);
}

function report(error: unknown, usage: string, io: CommandIo): number {
  if (error instanceof UsageError) {
    io.err(`${error.message}\n\n${usage}`);
    return 2;
  }
  if (error instanceof MigrationError) {
    io.err(`Error [${error.code}]: ${error.message}`);
  } else {
    io.err(`Error: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (io.env.DEBUG && error instanceof Error && error.stack) io.err(error.stack);
  return 1;
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((done) => stream.write("", () => done()));
}

/**
 * What the database commands share: option parsing, and ending the process on purpose.
 *
 * The WebAssembly schema engine keeps the event loop busy for about 10 s after its work
 * is done, so the commands exit explicitly. Failures print one clear message, no stack
 * (set DEBUG=1 for it), and exit with 1; usage errors exit with 2.
 */
import { relative, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { MigrationError } from "../migrations/migrationErrors.js";
import { defaultMigrationPaths, type MigrationPaths } from "../migrations/migrationFiles.js";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const PATH_OPTIONS = {
  "migrations-dir": { type: "string" },
  schema: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

export const PATH_OPTIONS_HELP = `  --migrations-dir <dir>  migrations folder (default: prisma/migrations)
  --schema <file>         Prisma schema (default: prisma/schema.prisma)
  -h, --help              show this help`;

/** Parses the command's arguments; unknown options are usage errors. */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig["options"]>>(
  options: O,
  args: string[] = process.argv.slice(2),
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function migrationPathsFrom(values: {
  "migrations-dir"?: string;
  schema?: string;
}): MigrationPaths {
  return {
    migrationsDir: values["migrations-dir"]
      ? resolve(values["migrations-dir"])
      : defaultMigrationPaths.migrationsDir,
    schemaPath: values.schema ? resolve(values.schema) : defaultMigrationPaths.schemaPath,
  };
}

/** A path as the user would type it from the current directory. */
export function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere && !fromHere.startsWith("..") ? fromHere : path;
}

/** Runs a command and ends the process with its outcome. */
export async function runCommand(command: () => Promise<void>, usage: string): Promise<never> {
  let exitCode = 0;
  try {
    await command();
  } catch (error) {
    exitCode = report(error, usage);
  }
  await flush(process.stdout);
  await flush(process.stderr);
  process.exit(exitCode);
}

function report(error: unknown, usage: string): number {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${usage}`);
    return 2;
  }
  const debug = Boolean(process.env.DEBUG);
  if (error instanceof MigrationError) {
    console.error(`Error [${error.code}]: ${error.message}`);
  } else {
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (debug && error instanceof Error) console.error(error.stack);
  return 1;
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((done) => stream.write("", () => done()));
}

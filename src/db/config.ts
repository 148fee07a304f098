/**
 * Which database the app runs on, read from the environment. Kept free of heavy imports:
 * the server reads it first thing, before it loads anything else.
 */
import { resolve } from "node:path";
import { isWholeNumberIn, notAWholeNumberIn } from "../support/wholeNumber.js";

export const DEFAULT_PGLITE_DATA_DIR = "./.data/pglite";
export const DEFAULT_POOL_SIZE = 10;

export type DatabaseConfig =
  | { kind: "postgres"; url: string; poolSize: number }
  | {
      kind: "embedded";
      /** A directory, or `memory://` for a database that lives and dies with the process. */
      dataDir: string;
      /**
       * In memory only: a tar archive of a data directory (PGlite's `dumpDataDir`) to start
       * from, instead of the empty template. Tests start each database from a migrated one.
       */
      archive?: string;
    };

/** A database URL with its password hidden, fit for logs and error messages. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.kind === "embedded") return `embedded PGlite database at ${config.dataDir}`;
  try {
    const url = new URL(config.url);
    if (url.password) url.password = "***";
    return `PostgreSQL at ${url.toString()}`;
  } catch {
    return "PostgreSQL (unparseable DATABASE_URL)";
  }
}

/** Reads the database settings from the environment; throws on malformed values. */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error("DATABASE_URL must start with postgres:// or postgresql://");
    }
    const poolSizeText = env.DATABASE_POOL_SIZE?.trim() || String(DEFAULT_POOL_SIZE);
    const poolSize = Number(poolSizeText);
    if (!isWholeNumberIn(poolSize, 1, 1000)) {
      throw new Error(notAWholeNumberIn("DATABASE_POOL_SIZE", 1, 1000, poolSizeText));
    }
    return { kind: "postgres", url, poolSize };
  }
  const dataDir = env.PGLITE_DATA_DIR?.trim() || DEFAULT_PGLITE_DATA_DIR;
  return { kind: "embedded", dataDir: dataDir === "memory://" ? dataDir : resolve(dataDir) };
}

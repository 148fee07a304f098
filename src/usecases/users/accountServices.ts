/**
 * The services the account workflows are built with: the password hasher and the
 * sign-in/sign-up rate limits, with the store the limits need (a small pool of its own on
 * PostgreSQL, memory on the embedded database).
 */
import pg from "pg";
import type { DatabaseConfig } from "../../db/index.js";
import {
  createAttemptLimits,
  type AttemptLimits,
  type AttemptLimitSettings,
} from "./attemptLimits.js";
import { createPasswordHasher, type PasswordHasher, type ScryptCost } from "./password.js";

export interface AccountServices {
  passwords: PasswordHasher;
  limits: AttemptLimits;
  /** Closes the rate limits' connections. */
  close(): Promise<void>;
}

/** Connections the rate limits' PostgreSQL store may use (one upsert per count). */
const RATE_LIMIT_POOL_SIZE = 2;

export function createAccountServices(options: {
  database: DatabaseConfig;
  passwordHashCost: ScryptCost;
  passwordHashConcurrency: number;
  attemptLimits: AttemptLimitSettings;
}): AccountServices {
  const pool =
    options.database.kind === "postgres"
      ? new pg.Pool({ connectionString: options.database.url, max: RATE_LIMIT_POOL_SIZE })
      : undefined;
  // An idle client's error (the server restarted) must not end the process; the next query reconnects.
  pool?.on("error", () => {});
  return {
    passwords: createPasswordHasher({
      cost: options.passwordHashCost,
      concurrency: options.passwordHashConcurrency,
    }),
    limits: createAttemptLimits(
      options.attemptLimits,
      pool ? { kind: "postgres", pool } : { kind: "memory" },
    ),
    close: async () => {
      await pool?.end();
    },
  };
}

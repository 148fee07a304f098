/**
 * Accounts: registering (registerUser), signing in and out (login, logout), the user's
 * settings (updateSettings), passwords, sign-in and sign-up rate limits, sessions and the
 * welcome e-mail.
 */
// type-graphql reads the decorators' metadata through it: loaded before any decorated class.
import "reflect-metadata";
import pg from "pg";
import type { DatabaseConfig, PrismaClient } from "../db/index.js";
import type { Mailer } from "../outbox/index.js";
import { createAccountReads } from "./account.reads.js";
import type { AccountsContext } from "./account.resolver.js";
import { createAttemptLimits, type AttemptLimitSettings } from "./attemptLimits.js";
import { createPasswordHasher, type ScryptCost } from "./passwords.js";
import { createSessionLookup } from "./sessions.js";
import { welcomeEmailHandlers } from "./welcomeEmail.js";
import { createAccountWorkflows } from "./workflows.js";

export { AccountResolver, UserSettingsResolver, type AccountsContext } from "./account.resolver.js";
export { UserType } from "./account.types.js";
export type { AttemptLimitSettings } from "./attemptLimits.js";
export type { ScryptCost } from "./passwords.js";

/** Connections the rate limits' PostgreSQL store may use (one upsert per count). */
const RATE_LIMIT_POOL_SIZE = 2;

interface AccountsSettings {
  /** scrypt's cost for new password hashes (older, cheaper ones are upgraded at sign-in). */
  passwordHashCost: ScryptCost;
  /** Password hashes computed at once. */
  passwordHashConcurrency: number;
  attemptLimits: AttemptLimitSettings;
  /** How long a session lasts. */
  sessionTtlMs: number;
}

/**
 * The accounts feature, built with what it needs: its workflows, the services its
 * resolvers find in the request context, the session lookup the context calls once per
 * request, and the welcome e-mail's outbox handler. The rate limits keep their counters
 * in PostgreSQL (a small pool of their own), or in memory on the embedded database.
 */
export function createAccountsFeature(
  settings: AccountsSettings,
  deps: { prisma: PrismaClient; database: DatabaseConfig; now?: () => Date },
) {
  const now = deps.now ?? (() => new Date());
  const pool =
    deps.database.kind === "postgres"
      ? new pg.Pool({ connectionString: deps.database.url, max: RATE_LIMIT_POOL_SIZE })
      : undefined;
  // An idle client's error (the server restarted) must not end the process; the next query reconnects.
  pool?.on("error", () => {});
  const reads = createAccountReads(deps.prisma);
  const services: AccountsContext["accounts"] = {
    reads,
    workflows: createAccountWorkflows({
      passwords: createPasswordHasher({
        cost: settings.passwordHashCost,
        concurrency: settings.passwordHashConcurrency,
      }),
      limits: createAttemptLimits(
        settings.attemptLimits,
        pool ? { kind: "postgres", pool } : { kind: "memory" },
      ),
      accounts: reads,
      sessionTtlMs: settings.sessionTtlMs,
      now,
    }),
  };
  return {
    workflows: Object.values(services.workflows),
    services,
    lookUpSession: createSessionLookup(deps.prisma, now),
    outboxHandlers: (mailer: Mailer) => welcomeEmailHandlers(mailer),
    /** Closes the rate limits' connections. */
    close: async () => {
      await pool?.end();
    },
  };
}

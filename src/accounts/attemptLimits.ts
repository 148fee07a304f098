/**
 * How often a client may try to sign in or sign up, with rate-limiter-flexible.
 *
 * - Sign-in failures per e-mail: after `loginFailuresPerEmail` wrong passwords in a row
 *   (within `loginBlockSeconds`), the e-mail is blocked for `loginBlockSeconds`; a
 *   successful sign-in clears its count. Guessing one account's password stops at once.
 * - Sign-in attempts per client address: `loginAttemptsPerAddress` per 15 minutes, so
 *   one client cannot try many accounts either.
 * - Sign-ups per client address: `registrationsPerAddress` per hour.
 *
 * On PostgreSQL the counters live in the `rate_limits` table (rate-limiter-flexible's
 * PostgreSQL store, one atomic upsert per count), so every API process on one database
 * shares them; when that store fails, each process falls back to counting in memory. On
 * the embedded database, which one process owns, they live in memory. E-mails are keyed
 * by their SHA-256, so the table holds no addresses.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type IRateLimiterOptions,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import { AppError } from "../errors/index.js";

export interface AttemptLimitSettings {
  loginFailuresPerEmail: number;
  loginBlockSeconds: number;
  loginAttemptsPerAddress: number;
  registrationsPerAddress: number;
}

/** Too many attempts: `retryAfterSeconds` says when the next one may succeed. */
export class RateLimitedError extends AppError {
  override readonly name = "RateLimitedError";
  readonly code = "RATE_LIMITED";
  constructor(
    readonly retryAfterSeconds: number,
    what: string,
  ) {
    super(`Too many ${what}. Try again in ${retryAfterSeconds} seconds.`);
  }
  override get extensions() {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
  override get httpStatus() {
    return { status: 429, retryAfterSeconds: this.retryAfterSeconds };
  }
}

export interface AttemptLimits {
  /** Throws RateLimitedError when this e-mail is blocked or this address tried too often; counts the attempt. */
  beforeLogin(email: string, address: string): Promise<void>;
  /** Counts a wrong password for this e-mail. */
  loginFailed(email: string): Promise<void>;
  /** Clears this e-mail's count of wrong passwords. */
  loginSucceeded(email: string): Promise<void>;
  /** Throws RateLimitedError when this address signed up too often; counts the attempt. */
  beforeRegistration(address: string): Promise<void>;
}

export type AttemptLimitStore = { kind: "postgres"; pool: pg.Pool } | { kind: "memory" };

const FIFTEEN_MINUTES = 15 * 60;
const ONE_HOUR = 60 * 60;
const TABLE = "rate_limits";

function limiter(store: AttemptLimitStore, options: IRateLimiterOptions): RateLimiterAbstract {
  if (store.kind === "memory") return new RateLimiterMemory(options);
  return new RateLimiterPostgres({
    ...options,
    storeClient: store.pool,
    tableName: TABLE,
    tableCreated: true, // by the migration that made rate_limits
    insuranceLimiter: new RateLimiterMemory(options),
  });
}

const emailKey = (email: string) => createHash("sha256").update(email).digest("hex");
const secondsUntil = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** Consumes one point; a refusal becomes a RateLimitedError about `what`. */
async function consume(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) {
      throw new RateLimitedError(secondsUntil(refusal), what);
    }
    throw refusal;
  }
}

export function createAttemptLimits(
  settings: AttemptLimitSettings,
  store: AttemptLimitStore,
): AttemptLimits {
  const loginFailures = limiter(store, {
    keyPrefix: "login_failures_email",
    points: settings.loginFailuresPerEmail,
    duration: settings.loginBlockSeconds,
    blockDuration: settings.loginBlockSeconds,
  });
  const loginAttempts = limiter(store, {
    keyPrefix: "login_attempts_address",
    points: settings.loginAttemptsPerAddress,
    duration: FIFTEEN_MINUTES,
  });
  const registrations = limiter(store, {
    keyPrefix: "registrations_address",
    points: settings.registrationsPerAddress,
    duration: ONE_HOUR,
  });

  return {
    async beforeLogin(email, address) {
      const failures = await loginFailures.get(emailKey(email));
      if (failures && failures.consumedPoints >= settings.loginFailuresPerEmail) {
        throw new RateLimitedError(secondsUntil(failures), "wrong passwords for this e-mail");
      }
      await consume(loginAttempts, address, "sign-in attempts from this address");
    },
    async loginFailed(email) {
      // Past the limit this refuses (and blocks the e-mail): that is the point, not an error.
      await loginFailures.consume(emailKey(email)).catch((refusal: unknown) => {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
      });
    },
    async loginSucceeded(email) {
      await loginFailures.delete(emailKey(email));
    },
    async beforeRegistration(address) {
      await consume(registrations, address, "sign-ups from this address");
    },
  };
}

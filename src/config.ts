/**
 * Configuration from the environment, validated once at start. A bad value stops the
 * process with a message naming the variable, before anything listens or connects.
 */
import { databaseConfigFromEnv, type DatabaseConfig } from "./db/config.js";
import { availableParallelism } from "node:os";
import { isWholeNumberIn, notAWholeNumberIn } from "./support/wholeNumber.js";
import type { AttemptLimitSettings, ScryptCost } from "./accounts/index.js";
import type { QueryLimits } from "./graphql/index.js";
import { observabilityConfigFromEnv, type ObservabilitySettings } from "./observability/config.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ["auto", "pretty", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const NODE_ENVS = ["development", "production", "test"] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export interface AppConfig extends ObservabilitySettings {
  port: number;
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  /** `auto`: pretty on a terminal outside production, JSON lines otherwise. */
  logFormat: LogFormat;
  database: DatabaseConfig;
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  /** How long a session token stays valid. */
  sessionTtlMs: number;
  /** How long shutdown waits for in-flight requests and workflows. */
  shutdownGraceMs: number;
  /**
   * After SIGTERM, how long new requests are still served (with /readyz already 503) before
   * the listener closes: time for a load balancer to stop routing here.
   */
  shutdownDelayMs: number;
  /** Node's HTTP server timeouts: headers, whole request (a slow body), idle keep-alive. */
  httpTimeouts: { headersMs: number; requestMs: number; keepAliveMs: number };
  /** Milliseconds between outbox batches; 0 disables polling (batches run only when called). */
  outboxPollIntervalMs: number;
  /** How long a mutation's result answers repeats of its Idempotency-Key. */
  idempotencyKeyTtlMs: number;
  /** Milliseconds between purges of expired idempotency keys; 0 disables them. */
  idempotencyPurgeIntervalMs: number;
  /** What one GraphQL document may cost, checked before it is validated or run. */
  queryLimits: QueryLimits;
  /** scrypt's cost for new password hashes (older, cheaper ones are upgraded at sign-in). */
  passwordHashCost: ScryptCost;
  /** Password hashes computed at once (each is about 0.3 s of one core). */
  passwordHashConcurrency: number;
  /** Sign-in and sign-up rate limits. */
  attemptLimits: AttemptLimitSettings;
  /**
   * Express's "trust proxy": which proxies' X-Forwarded-For to believe for the client's
   * address (rate limits key on it). false: none, the socket's address is the client's.
   */
  trustProxy: boolean | number | string;
}

/** OWASP's minimum scrypt cost is N=2^17; production may not go lower. */
export const MIN_PRODUCTION_PASSWORD_HASH_COST = 17;

function trustProxyFrom(env: NodeJS.ProcessEnv, problems: string[]): boolean | number | string {
  const text = env.TRUST_PROXY?.trim();
  if (!text || text === "false") return false;
  if (text === "true") return true;
  if (/^\d+$/.test(text)) return Number(text);
  if (/^[\w.:/, -]+$/.test(text)) return text;
  problems.push(
    `TRUST_PROXY must be true, false, a number of proxies, or addresses/subnets separated by commas, got "${text}"`,
  );
  return false;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  range: [min: number, max: number],
  problems: string[],
): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!isWholeNumberIn(value, ...range)) {
    problems.push(notAWholeNumberIn(name, ...range, text));
    return fallback;
  }
  return value;
}

function oneOf<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
  fallback: T,
  problems: string[],
): T {
  const text = env[name]?.trim();
  if (!text) return fallback;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  problems.push(`${name} must be one of ${allowed.join(", ")}, got "${text}"`);
  return fallback;
}

/** Reads and validates the configuration; throws {@link ConfigError} listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = oneOf(env, "NODE_ENV", NODE_ENVS, "development", problems);
  const config = {
    port: integer(env, "PORT", 4000, [0, 65535], problems),
    nodeEnv,
    logLevel: oneOf(env, "LOG_LEVEL", LOG_LEVELS, nodeEnv === "test" ? "silent" : "info", problems),
    logFormat: oneOf(env, "LOG_FORMAT", LOG_FORMATS, "auto", problems),
    bodyLimitBytes: integer(env, "BODY_LIMIT_BYTES", 100_000, [1_000, 10_000_000], problems),
    sessionTtlMs: integer(env, "SESSION_TTL_HOURS", 24 * 30, [1, 24 * 365], problems) * 3_600_000,
    shutdownGraceMs: integer(env, "SHUTDOWN_GRACE_MS", 10_000, [0, 600_000], problems),
    shutdownDelayMs: integer(
      env,
      "SHUTDOWN_DELAY_MS",
      nodeEnv === "production" ? 5_000 : 0,
      [0, 600_000],
      problems,
    ),
    httpTimeouts: {
      headersMs: integer(env, "HTTP_HEADERS_TIMEOUT_MS", 10_000, [100, 600_000], problems),
      requestMs: integer(env, "HTTP_REQUEST_TIMEOUT_MS", 30_000, [100, 3_600_000], problems),
      keepAliveMs: integer(env, "HTTP_KEEP_ALIVE_TIMEOUT_MS", 5_000, [100, 600_000], problems),
    },
    outboxPollIntervalMs: integer(env, "OUTBOX_POLL_INTERVAL_MS", 1_000, [0, 3_600_000], problems),
    idempotencyKeyTtlMs: integer(
      env,
      "IDEMPOTENCY_KEY_TTL_MS",
      24 * 3_600_000,
      [1_000, 30 * 24 * 3_600_000],
      problems,
    ),
    idempotencyPurgeIntervalMs: integer(
      env,
      "IDEMPOTENCY_PURGE_INTERVAL_MS",
      60_000,
      [0, 24 * 3_600_000],
      problems,
    ),
    queryLimits: {
      maxTokens: integer(env, "QUERY_MAX_TOKENS", 1_000, [50, 100_000], problems),
      maxDepth: integer(env, "QUERY_MAX_DEPTH", 10, [2, 100], problems),
      maxAliases: integer(env, "QUERY_MAX_ALIASES", 15, [0, 1_000], problems),
      maxDirectives: integer(env, "QUERY_MAX_DIRECTIVES", 20, [0, 1_000], problems),
      maxFields: integer(env, "QUERY_MAX_FIELDS", 200, [10, 10_000], problems),
      maxMutationFields: integer(env, "MUTATION_MAX_FIELDS", 5, [1, 100], problems),
    },
    passwordHashCost: {
      N: 2 ** integer(env, "PASSWORD_HASH_COST", 17, [10, 20], problems),
      r: 8,
      p: 1,
    },
    passwordHashConcurrency: integer(
      env,
      "PASSWORD_HASH_CONCURRENCY",
      Math.max(1, availableParallelism() - 1),
      [1, 64],
      problems,
    ),
    attemptLimits: {
      loginFailuresPerEmail: integer(env, "LOGIN_FAILURES_PER_EMAIL", 5, [1, 1_000], problems),
      loginBlockSeconds: integer(env, "LOGIN_BLOCK_MINUTES", 15, [1, 24 * 60], problems) * 60,
      loginAttemptsPerAddress: integer(
        env,
        "LOGIN_ATTEMPTS_PER_ADDRESS",
        50,
        [1, 1_000_000],
        problems,
      ),
      registrationsPerAddress: integer(
        env,
        "REGISTRATIONS_PER_ADDRESS",
        10,
        [1, 1_000_000],
        problems,
      ),
    },
    trustProxy: trustProxyFrom(env, problems),
    ...observabilityConfigFromEnv(env, nodeEnv === "production", problems),
  };
  if (config.httpTimeouts.headersMs > config.httpTimeouts.requestMs) {
    problems.push(
      `HTTP_HEADERS_TIMEOUT_MS (${config.httpTimeouts.headersMs}) must not be longer than HTTP_REQUEST_TIMEOUT_MS (${config.httpTimeouts.requestMs})`,
    );
  }
  if (
    nodeEnv === "production" &&
    config.passwordHashCost.N < 2 ** MIN_PRODUCTION_PASSWORD_HASH_COST
  ) {
    problems.push(
      `PASSWORD_HASH_COST must be at least ${MIN_PRODUCTION_PASSWORD_HASH_COST} in production (OWASP's minimum for scrypt, N=2^17)`,
    );
  }
  let database: DatabaseConfig | undefined;
  try {
    database = databaseConfigFromEnv(env);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  if (problems.length > 0 || !database) throw new ConfigError(problems);
  return { ...config, database };
}

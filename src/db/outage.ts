/**
 * Telling a database that is down from a query that failed, and saying so once.
 *
 * While PostgreSQL is down every request fails, and the log used to get one error line
 * per request (about 2,000 per 10 s under load), each answered INTERNAL_SERVER_ERROR.
 * {@link isDatabaseUnreachable} recognises the failures that mean "the database cannot
 * be reached" (connection refused, reset or closed, PostgreSQL shutting down or starting,
 * Prisma's P1001/P1002/P1017); the {@link OutageMonitor} logs one line when the outage
 * begins and one when it ends, counting the requests it failed in between, and probes the
 * database meanwhile so that it notices the end without waiting for a request.
 */
import type { Logger } from "pino";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);
/** Prisma's "cannot reach", "timed out reaching" and "server closed the connection". */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017"]);
/** Driver-adapter error kinds that mean the connection, not the query, failed. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout"]);
/** admin_shutdown, crash_shutdown, cannot_connect_now; class 08 is connection_exception. */
const POSTGRES_CODES = /^(08...|57P0[123])$/;
const MESSAGES =
  /connection terminated|terminating connection|can't reach database server|server closed the connection|connection (?:refused|reset|closed)/i;

/** `error`, what it wraps (`cause`), and the driver error Prisma keeps in `meta`. */
function* links(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (typeof error !== "object" || error === null || depth > 8) return;
  const link = error as Record<string, unknown>;
  yield link;
  yield* links(link.cause, depth + 1);
  const meta = link.meta as Record<string, unknown> | undefined;
  if (meta?.driverAdapterError) yield* links(meta.driverAdapterError, depth + 1);
}

/** True when `error` (or anything it wraps) says the database could not be reached. */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (const link of links(error)) {
    const { code, kind, originalCode, message } = link;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || PRISMA_CODES.has(code))) {
      return true;
    }
    if (typeof code === "string" && POSTGRES_CODES.test(code)) return true;
    if (typeof originalCode === "string" && POSTGRES_CODES.test(originalCode)) return true;
    if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
    if (typeof message === "string" && MESSAGES.test(message)) return true;
  }
  return false;
}

export interface OutageMonitor {
  /**
   * Looks at a failure: true when it means the database is unreachable (then it is
   * counted, and logged only if it begins an outage), false otherwise (the caller's to
   * report).
   */
  observe(error: unknown): boolean;
  /** True from the first unreachable failure until a probe succeeds again. */
  readonly down: boolean;
  /** Failures counted during the current outage (0 when up). */
  readonly failures: number;
  /** Outages so far. */
  readonly outages: number;
  /** Stops probing. */
  stop(): void;
}

export function createOutageMonitor(options: {
  /** Resolves when the database answers. */
  ping: () => Promise<void>;
  logger: Logger;
  probeIntervalMs?: number;
}): OutageMonitor {
  const { ping, logger, probeIntervalMs = 1_000 } = options;
  let down = false;
  let failures = 0;
  let outages = 0;
  let since = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const probe = () => {
    timer = setTimeout(() => {
      ping().then(
        () => {
          logger.info(
            { failures, outageMs: Math.round(performance.now() - since) },
            "database reachable again",
          );
          down = false;
          failures = 0;
          timer = undefined;
        },
        () => {
          if (!stopped) probe();
        },
      );
    }, probeIntervalMs);
    timer.unref();
  };

  return {
    observe(error) {
      if (!isDatabaseUnreachable(error)) return false;
      failures += 1;
      if (!down) {
        down = true;
        outages += 1;
        since = performance.now();
        logger.error(
          { err: error },
          "database unreachable: answering SERVICE_UNAVAILABLE until it is back",
        );
        if (!stopped) probe();
      }
      return true;
    },
    get down() {
      return down;
    },
    get failures() {
      return failures;
    },
    get outages() {
      return outages;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

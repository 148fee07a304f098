import type { RequestHandler } from "express";
import type { Logger } from "pino";

const READINESS_TIMEOUT_MS = 2_000;

/**
 * The handlers of GET /healthz (liveness: the process is up and serving HTTP) and GET /readyz
 * (readiness: the database answers, and the server is not shutting down).
 */
export function healthProbes(deps: {
  /** True once shutdown has begun: /readyz turns 503 so that load balancers stop routing here. */
  draining: () => boolean;
  ping: () => Promise<void>;
  /** True (and counted) when the error means the database is down. */
  isOutage: (error: unknown) => boolean;
  logger: Logger;
}): { healthz: RequestHandler; readyz: RequestHandler } {
  const healthz: RequestHandler = (_req, res) => {
    res.json({ status: "ok" });
  };
  const readyz: RequestHandler = async (_req, res) => {
    if (deps.draining()) {
      res.status(503).json({ status: "unavailable", reason: "shutting down" });
      return;
    }
    try {
      await withTimeout(deps.ping(), READINESS_TIMEOUT_MS);
      res.json({ status: "ready" });
    } catch (error) {
      if (!deps.isOutage(error)) deps.logger.warn({ err: error }, "readiness check failed");
      res.status(503).json({ status: "unavailable", reason: "database unreachable" });
    }
  };
  return { healthz, readyz };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

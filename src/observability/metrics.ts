/**
 * Prometheus metrics (prom-client): workflow runs, steps, attempts, timeouts and
 * transaction start waits from the broker's run reports; the database's connections and
 * the outbox's backlog, read when scraped; HTTP requests by status; the process's own.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RunReport } from "../broker/index.js";
import type { ConnectionStats } from "../db/index.js";
import type { OutboxBacklog } from "../outbox/index.js";

/** Where the metrics read at scrape time come from. */
export interface MetricsSources {
  connectionStats(): ConnectionStats;
  outboxBacklog(): Promise<OutboxBacklog>;
  /** Told when reading the backlog fails (the scrape still answers, without it). */
  logger: Logger;
}

export interface Metrics {
  readonly registry: Registry;
  /** Counts a settled run: give it to the broker as `onRunSettled`. */
  recordRun(report: RunReport): void;
  /** Counts every HTTP request by method, route and status, once answered. */
  countRequests(route: (path: string) => string): RequestHandler;
  /** `GET /metrics`: the text format; with a token, only for `Authorization: Bearer <token>`. */
  handler(token: string | undefined): RequestHandler;
}

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The API's metrics, in a registry of their own (each server has one). */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const runs = new Counter({
    name: "activelog_workflow_runs_total",
    help: "Workflow runs settled, by workflow and outcome (committed, dry-run, failed, timed-out, aborted, start-timed-out, retries-exhausted).",
    labelNames: ["workflow", "outcome"] as const,
    registers,
  });
  const runDuration = new Histogram({
    name: "activelog_workflow_run_duration_seconds",
    help: "From the call to run until it settled, retries and back-off included.",
    labelNames: ["workflow", "outcome"] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const stepDuration = new Histogram({
    name: "activelog_workflow_step_duration_seconds",
    help: "Each step as it ran, on every attempt, by outcome (succeeded, failed, timed-out).",
    labelNames: ["workflow", "step", "outcome"] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const perWorkflow = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ["workflow"] as const, registers });
  const attempts = perWorkflow(
    "activelog_workflow_attempts_total",
    "Transactions attempted by workflow runs (the first attempt and every retry).",
  );
  const retries = perWorkflow(
    "activelog_workflow_retries_total",
    "Attempts re-run after a write conflict or deadlock.",
  );
  const timeouts = perWorkflow(
    "activelog_workflow_timeouts_total",
    "Runs whose deadline passed before they committed.",
  );
  const startWait = new Histogram({
    name: "activelog_transaction_start_wait_seconds",
    help: "How long each attempt waited for its transaction to start (a connection, BEGIN).",
    labelNames: ["workflow"] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  new Gauge({
    name: "activelog_db_connections",
    help: "Database connections by state (in_use, idle); the embedded database has one session.",
    labelNames: ["state"] as const,
    registers,
    collect() {
      const stats = sources.connectionStats();
      this.set({ state: "in_use" }, stats.inUse);
      this.set({ state: "idle" }, stats.idle);
    },
  });
  new Gauge({
    name: "activelog_db_connections_max",
    help: "Database connections there may be at most (the pool's size).",
    registers,
    collect() {
      this.set(sources.connectionStats().max);
    },
  });
  new Gauge({
    name: "activelog_db_connection_waiters",
    help: "Queries and transactions waiting for a database connection.",
    registers,
    collect() {
      this.set(sources.connectionStats().waiting);
    },
  });
  // One query serves both outbox gauges; the first to be collected starts it.
  let backlog: Promise<OutboxBacklog | undefined> | undefined;
  const readBacklog = () =>
    (backlog ??= sources.outboxBacklog().then(
      (value) => value,
      (error: unknown) => {
        sources.logger.warn({ err: error }, "metrics: could not read the outbox backlog");
        return undefined;
      },
    ));
  new Gauge({
    name: "activelog_outbox_backlog_messages",
    help: "Outbox messages not dispatched yet that still have attempts left.",
    registers,
    async collect() {
      const value = await readBacklog();
      if (value) this.set(value.messages);
    },
  });
  new Gauge({
    name: "activelog_outbox_oldest_undispatched_age_seconds",
    help: "Age of the oldest of those messages (0 when there is none).",
    registers,
    async collect() {
      const value = await readBacklog();
      if (value) this.set(value.oldestAgeSeconds);
    },
  });
  const requests = new Counter({
    name: "activelog_http_requests_total",
    help: "HTTP requests answered, by method, route and status code.",
    labelNames: ["method", "route", "status"] as const,
    registers,
  });

  return {
    registry,
    recordRun(report) {
      const { workflow, outcome } = report;
      runs.inc({ workflow, outcome });
      runDuration.observe({ workflow, outcome }, report.durationMs / 1_000);
      for (const step of report.steps) {
        stepDuration.observe(
          { workflow, step: step.name, outcome: step.outcome },
          step.durationMs / 1_000,
        );
      }
      if (report.attempts > 0) attempts.inc({ workflow }, report.attempts);
      if (report.attempts > 1) retries.inc({ workflow }, report.attempts - 1);
      if (outcome === "timed-out") timeouts.inc({ workflow });
      for (const waitMs of report.transactionStartWaitsMs) {
        startWait.observe({ workflow }, waitMs / 1_000);
      }
    },
    countRequests(route) {
      return (req, res, next) => {
        // Read now: a router mounted on a path (app.use("/graphql")) rewrites req.url.
        const labels = { method: req.method, route: route(req.path) };
        res.once("finish", () => requests.inc({ ...labels, status: res.statusCode }));
        next();
      };
    },
    handler(token) {
      const expected = token === undefined ? undefined : digest(token);
      return async (req, res) => {
        if (expected !== undefined && !bearerMatches(req.headers.authorization, expected)) {
          res
            .status(401)
            .set("www-authenticate", "Bearer")
            .type("text/plain")
            .send("Unauthorized\n");
          return;
        }
        backlog = undefined;
        const text = await registry.metrics();
        res.type(registry.contentType).send(text);
      };
    },
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Compares digests in constant time, so the response time says nothing of the token. */
function bearerMatches(authorization: string | undefined, expected: Buffer): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  return given !== undefined && timingSafeEqual(digest(given), expected);
}

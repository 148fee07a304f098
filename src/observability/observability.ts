/**
 * Everything observability adds to the server, built from its settings: what the broker
 * is given, the handlers in front of the routes, Apollo's plugins, and `/metrics`.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { TextMapPropagator, Tracer } from "@opentelemetry/api";
import type { Express, RequestHandler } from "express";
import type { Logger } from "pino";
import type { RunListener } from "../broker/index.js";
import type { ConnectionStats } from "../db/index.js";
import type { OutboxBacklog } from "../outbox/index.js";
import type { ObservabilitySettings } from "./config.js";
import { graphQLSpanNames, traceGraphQL, traceRequests } from "./httpTracing.js";
import { createMetrics } from "./metrics.js";
import { createRunHistory, type RunHistory } from "./runHistory.js";

/** The routes the server serves; any other path is counted and named `other`. */
const ROUTES: ReadonlySet<string> = new Set(["/graphql", "/healthz", "/readyz", "/metrics"]);
const routeOf = (path: string) => (ROUTES.has(path) ? path : "other");

/** Users whose recent runs are kept (each up to the run history's size). */
const RUN_HISTORY_USERS = 1_000;

export interface ObservabilityDependencies {
  settings: Pick<ObservabilitySettings, "metrics" | "runHistorySize">;
  /** Given when tracing is on (see startTracing); nothing is traced without it. */
  tracing?: { tracer: Tracer; propagator: TextMapPropagator };
  connectionStats(): ConnectionStats;
  outboxBacklog(): Promise<OutboxBacklog>;
  logger: Logger;
}

export interface Observability {
  /** For the broker: undefined when there is neither a metric nor a run history to feed. */
  readonly onRunSettled: RunListener | undefined;
  readonly runHistory: RunHistory;
  /** In front of every route: the request's span, and its count once answered. */
  readonly requestHandlers: RequestHandler[];
  /** In front of the GraphQL handler, after the body is read. */
  readonly graphqlHandlers: RequestHandler[];
  /** The GraphQL span's name (when tracing). */
  readonly apolloPlugins: ApolloServerPlugin[];
  /** Serves `GET /metrics` on `app` when metrics are on. */
  mountMetrics(app: Express): void;
}

export function createObservability(dependencies: ObservabilityDependencies): Observability {
  const { settings, tracing } = dependencies;
  const metrics = settings.metrics.enabled ? createMetrics(dependencies) : undefined;
  const runHistory = createRunHistory({
    runsPerUser: settings.runHistorySize,
    maxUsers: RUN_HISTORY_USERS,
  });
  const keepsRuns = settings.runHistorySize > 0;
  const listeners = [
    ...(metrics ? [metrics.recordRun] : []),
    ...(keepsRuns ? [runHistory.record] : []),
  ];
  return {
    onRunSettled:
      listeners.length === 0
        ? undefined
        : (report) => {
            for (const listener of listeners) listener(report);
          },
    runHistory,
    requestHandlers: [
      ...(tracing ? [traceRequests(tracing.tracer, tracing.propagator, routeOf)] : []),
      ...(metrics ? [metrics.countRequests(routeOf)] : []),
    ],
    graphqlHandlers: [...(tracing ? [traceGraphQL(tracing.tracer)] : [])],
    apolloPlugins: [...(tracing ? [graphQLSpanNames()] : [])],
    mountMetrics(app) {
      if (metrics) app.get("/metrics", metrics.handler(settings.metrics.token));
    },
  };
}

/**
 * Wiring only: Express 5 + Apollo Server 5 in front of the broker and the database.
 * HTTP -> Apollo -> resolver -> workflow -> broker -> use cases -> Prisma transaction.
 */
// type-graphql reads the decorators' metadata through it: loaded before any decorated class.
import "reflect-metadata";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type Express } from "express";
import type { Logger } from "pino";
import { createAccountsFeature, type AccountsContext } from "./accounts/index.js";
import { createActivitiesFeature, type ActivitiesContext } from "./activities/index.js";
import { asyncLocalStorageIsCheap, createBroker, type Broker } from "./broker/index.js";
import type { AppConfig } from "./config.js";
import {
  createOutageMonitor,
  type Database,
  type OutageMonitor,
  type TransactionClient,
} from "./db/index.js";
import {
  createErrorFormatter,
  createQueryLimiter,
  createRequestContext,
  httpStatusFromErrors,
  responseExtensions,
} from "./graphql/index.js";
import {
  abortedWhenClientLeaves,
  gracefulShutdown,
  healthProbes,
  jsonErrorHandler,
  rejectCostlyQueries,
  requestLogging,
} from "./http/index.js";
import {
  createIdempotencyStore,
  idempotencyKeyOf,
  readIdempotencyKeyHeader,
  startIdempotencyPurge,
  type IdempotencyPurge,
} from "./idempotency/index.js";
import {
  createLoggingMailer,
  createOutboxDispatcher,
  type Mailer,
  type OutboxDispatcher,
} from "./outbox/index.js";
import {
  createObservability,
  type ObservabilityContext,
  type Tracing,
} from "./observability/index.js";
import { buildGraphQLSchema } from "./schema.js";

/** The request context every resolver gets: the machinery's, and each feature's services. */
type ApiContext = AccountsContext & ActivitiesContext & ObservabilityContext;

export interface ApiServerDependencies {
  config: Pick<
    AppConfig,
    | "nodeEnv"
    | "bodyLimitBytes"
    | "sessionTtlMs"
    | "shutdownGraceMs"
    | "shutdownDelayMs"
    | "httpTimeouts"
    | "outboxPollIntervalMs"
    | "idempotencyKeyTtlMs"
    | "idempotencyPurgeIntervalMs"
    | "queryLimits"
    | "passwordHashCost"
    | "passwordHashConcurrency"
    | "attemptLimits"
    | "trustProxy"
    | "metrics"
    | "runHistorySize"
  >;
  database: Database;
  logger: Logger;
  /** Sends the outbox's e-mails; default: one that only logs them (there is no provider here). */
  mailer?: Mailer;
  /** The started OpenTelemetry SDK when tracing is on (see startTracing); nothing is traced without it. */
  tracing?: Pick<Tracing, "tracer" | "propagator">;
}

export interface ApiServer {
  readonly app: Express;
  readonly httpServer: Server;
  readonly broker: Broker<TransactionClient>;
  /** Counts the failures that mean the database is down (one log line per outage). */
  readonly outage: OutageMonitor;
  /** Sends outbox messages after commit; polls once listening (unless its interval is 0). */
  readonly outbox: OutboxDispatcher;
  /** Starts listening and polling the outbox; resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Graceful shutdown: /readyz turns 503 and new requests are still served for
   * `shutdownDelayMs`; then the listener closes, every request in progress is answered
   * (up to `shutdownGraceMs`) and idle connections close; workflows settle, the outbox's
   * batch in progress commits, and the database is disconnected. Safe to call twice.
   */
  shutdown(): Promise<void>;
}

export async function createApiServer({
  config,
  database,
  logger,
  mailer = createLoggingMailer(logger.child({ component: "mailer" })),
  tracing,
}: ApiServerDependencies): Promise<ApiServer> {
  const production = config.nodeEnv === "production";
  const app = express();
  const httpServer = createServer(
    {
      headersTimeout: config.httpTimeouts.headersMs,
      requestTimeout: config.httpTimeouts.requestMs,
      keepAliveTimeout: config.httpTimeouts.keepAliveMs,
      // How often Node looks for requests past those timeouts (its default is 30 s).
      connectionsCheckingInterval: Math.min(1_000, config.httpTimeouts.headersMs),
    },
    app,
  );
  const http = gracefulShutdown(httpServer);
  const outage = createOutageMonitor({
    ping: () => database.ping(),
    logger: logger.child({ component: "database" }),
  });
  const accounts = createAccountsFeature(config, {
    prisma: database.prisma,
    database: database.config,
  });
  const activities = createActivitiesFeature({ prisma: database.prisma });
  const observability = createObservability({
    settings: config,
    tracing,
    connectionStats: () => database.connectionStats(),
    outboxBacklog: () => outbox.backlog(),
    logger,
  });
  const broker = createBroker({
    // Not the bare Prisma client: this one cancels a statement in flight when a run's
    // deadline passes or its client goes away.
    client: database.transactions,
    workflows: [...accounts.workflows, ...activities.workflows],
    logger: logger.child({ component: "broker" }),
    idempotency: createIdempotencyStore(database.prisma, { ttlMs: config.idempotencyKeyTtlMs }),
    tracer: tracing?.tracer,
    onRunSettled: observability.onRunSettled,
    // A nested run is a programming error, which development and the tests catch; in
    // production the check stays on only where it costs next to nothing (Node 24+).
    refuseNestedRuns: !production || asyncLocalStorageIsCheap,
  });
  const outbox = createOutboxDispatcher({
    prisma: database.prisma,
    handlers: { ...accounts.outboxHandlers(mailer) },
    logger,
    pollIntervalMs: config.outboxPollIntervalMs,
    isOutage: (error) => outage.observe(error),
  });

  const schema = await buildGraphQLSchema();
  const checkQueryLimits = createQueryLimiter(schema, config.queryLimits);
  const apollo = new ApolloServer<ApiContext>({
    schema,
    introspection: !production,
    // No "Did you mean ...?" in production: it would list the schema's names to anyone.
    hideSchemaDetailsFromClientErrors: production,
    // main.ts owns the signals: Apollo's own handler would stop only Apollo and then
    // re-kill the process before the broker drained and the database closed.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !production,
    formatError: createErrorFormatter({ logger, production, outage }),
    plugins: [
      ...observability.apolloPlugins,
      httpStatusFromErrors(),
      responseExtensions(),
      // No cache hints (no @cacheControl, no Cache-Control on answers that depend on the
      // caller): without this, Apollo wraps every field's resolver to collect them.
      ApolloServerPluginCacheControlDisabled(),
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
  await apollo.start();

  app.disable("x-powered-by");
  // No ETag: answers to POSTed GraphQL are not revalidated; Express would hash each one.
  app.disable("etag");
  app.use(http.refuseOnClosingSockets);
  app.set("trust proxy", config.trustProxy);
  // Before the logs, so that their lines carry the request's trace id.
  if (observability.requestHandlers.length > 0) app.use(observability.requestHandlers);
  app.use(requestLogging(logger));

  const probes = healthProbes({
    draining: () => http.draining,
    ping: () => database.ping(),
    isOutage: (error) => outage.observe(error),
    logger,
  });
  app.get("/healthz", probes.healthz);
  app.get("/readyz", probes.readyz);
  observability.mountMetrics(app);

  app.use(
    "/graphql",
    express.json({ limit: config.bodyLimitBytes }),
    observability.graphqlHandlers,
    rejectCostlyQueries(checkQueryLimits),
    readIdempotencyKeyHeader(),
    expressMiddleware(apollo, {
      context: ({ req, res }): Promise<ApiContext> =>
        Promise.resolve(
          createRequestContext(
            {
              broker,
              idempotencyKey: idempotencyKeyOf(req),
              request: req.method === "GET" ? req.query : (req.body ?? {}),
              logger: () => req.log,
              clientAddress: () => req.ip ?? req.socket.remoteAddress ?? "unknown",
              signal: () => abortedWhenClientLeaves(res),
              account: accounts.services.reads.account,
            },
            req.headers.authorization,
            accounts.lookUpSession,
            {
              accounts: accounts.services,
              activities: activities.services,
              runHistory: observability.runHistory,
            },
          ),
        ),
    }),
  );

  app.use(jsonErrorHandler);
  let idempotencyPurge: IdempotencyPurge | undefined;

  let shutdownPromise: Promise<void> | undefined;
  return {
    app,
    httpServer,
    broker,
    outbox,
    outage,
    async listen(port, host) {
      const address = await new Promise<AddressInfo>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          resolve(httpServer.address() as AddressInfo);
        });
      });
      outbox.start();
      idempotencyPurge ??= startIdempotencyPurge({
        prisma: database.prisma,
        intervalMs: config.idempotencyPurgeIntervalMs,
        logger: logger.child({ component: "idempotency" }),
      });
      return address;
    },
    shutdown() {
      shutdownPromise ??= (async () => {
        // 1. /readyz answers 503 and responses ask clients to reconnect, while new requests
        //    are still served for a moment, so that a load balancer can stop routing here.
        http.beginDraining();
        logger.info({ delayMs: config.shutdownDelayMs }, "draining: /readyz is 503");
        await sleep(config.shutdownDelayMs);
        // 2. No new connections; every request in progress is answered before its socket closes.
        const { cutOff } = await http.stop(config.shutdownGraceMs);
        if (cutOff > 0) {
          logger.warn(
            { cutOff, graceMs: config.shutdownGraceMs },
            "requests cut off after the grace period",
          );
        }
        await apollo.stop();
        await broker.drain(); // workflows of requests that were cut off still settle
        await outbox.stop(); // no new batch; the one in progress commits or rolls back
        await idempotencyPurge?.stop();
        await accounts.close();
        outage.stop();
        await database.close();
      })();
      return shutdownPromise;
    },
  };
}

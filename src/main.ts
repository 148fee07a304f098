/**
 * Entry point: validate the configuration, open the database (applying pending
 * migrations on the embedded one), start the server, shut down gracefully on signals.
 *
 * Startup is ordered for speed: the database starts opening first (the embedded one in
 * a thread of its own), and the server's modules, the bulk of the start time, load
 * while it does.
 */
import { ConfigError, loadConfig, type AppConfig } from "./config.js";
import { describeDatabase } from "./db/config.js";
// Not through db/index.js, which loads the Prisma client's modules: the database starts
// opening first, and they load while it does.
// eslint-disable-next-line no-restricted-imports
import { openDatabase } from "./db/database.js";
import { limitHeapGrowth } from "./support/heapGrowth.js";

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  limitHeapGrowth(config.database.kind);
  const opening = openDatabase(config.database);
  opening.catch(() => {}); // awaited below; a failure must not surface as unhandled meanwhile
  // Off unless the OTEL_* variables ask for it: then the SDK loads while the database opens.
  const tracing =
    config.tracing.exporter === "none"
      ? undefined
      : await import("./observability/index.js").then(({ startTracing }) =>
          startTracing(config.tracing),
        );
  const { createLogger } = await import("./logger.js");
  const logger = createLogger({ ...config, traceIds: tracing !== undefined });
  const { createApiServer } = await import("./server.js");
  const database = await opening;
  logger.info({ database: describeDatabase(config.database) }, "database connected");
  if (config.database.kind === "embedded") {
    const [{ applyPendingMigrations }, { migrationCommands, migrationPaths }] = await Promise.all([
      import("@activelog/prisma-wasm-migrate"),
      import("./db/index.js"),
    ]);
    const { appliedMigrationNames } = await applyPendingMigrations(
      database.adapterFactory,
      migrationPaths,
      { commands: migrationCommands },
    );
    logger.info(
      { appliedMigrationNames },
      appliedMigrationNames.length ? "migrations applied" : "database schema up to date",
    );
  }
  const server = await createApiServer({ config, database, logger, tracing });

  // The server first, then the spans still waiting to be exported (when tracing).
  const shutdown = () => server.shutdown().then(() => tracing?.shutdown());

  // Before listening: a signal that arrives as soon as the server says it is ready (an
  // orchestrator, a test) must find the handler installed, not Node's default exit.
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    shutdown().then(
      () => {
        logger.info("shutdown complete");
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);

  const address = await server.listen(config.port);
  logger.info(
    { port: address.port, startupMs: Math.round(performance.now()) },
    `Activelog API ready at http://localhost:${address.port}/graphql`,
  );
  // Prisma compiles its query engine on the first query: have that happen now, while
  // nobody waits, rather than in the first request.
  database.ping().catch((error: unknown) => logger.warn({ err: error }, "database ping failed"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `Activelog API failed to start: ${error.message}` : error);
  process.exit(1);
});

/**
 * Entry point: validate the configuration, open the database (applying pending
 * migrations on the embedded one), start the server, shut down gracefully on signals.
 */
import { ConfigError, loadConfig } from "./config.js";
import { applyPendingMigrations, describeDatabase, openDatabase } from "./db/index.js";
import { createLogger } from "./logger.js";
import { createApiServer } from "./server.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.database);
  logger.info({ database: describeDatabase(config.database) }, "database connected");
  if (config.database.kind === "embedded") {
    const { appliedMigrationNames } = await applyPendingMigrations(database.adapterFactory);
    logger.info(
      { appliedMigrationNames },
      appliedMigrationNames.length ? "migrations applied" : "database schema up to date",
    );
  }
  const server = await createApiServer({ config, database, logger });
  const address = await server.listen(config.port);
  logger.info(
    { port: address.port },
    `Activelog API ready at http://localhost:${address.port}/graphql`,
  );

  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    server.shutdown().then(
      () => {
        logger.info("shutdown complete");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `Activelog API failed to start: ${error.message}` : error);
  process.exit(1);
});

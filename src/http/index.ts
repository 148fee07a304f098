/** The HTTP edge: graceful shutdown, health probes, and the guards in front of the GraphQL endpoint. */
export { abortedWhenClientLeaves } from "./abortedWhenClientLeaves.js";
export { gracefulShutdown } from "./gracefulShutdown.js";
export { healthProbes } from "./healthProbes.js";
export { jsonErrorHandler } from "./jsonErrorHandler.js";
export { rejectCostlyQueries } from "./rejectCostlyQueries.js";
export { requestLogging } from "./requestLogging.js";

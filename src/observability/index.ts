/**
 * Observability: OpenTelemetry traces (the SDK, started only when configured), Prometheus
 * metrics, and the recent workflow runs the run view shows. It knows no feature.
 *
 * This file is its entry point (with config.ts, its light settings); the other files
 * under src/observability are internal.
 */
export {
  createObservability,
  type Observability,
  type ObservabilityDependencies,
} from "./observability.js";
export { startTracing, type Tracing, type TracingOptions } from "./tracing.js";
export type { RunHistory } from "./runHistory.js";
export { WorkflowRunsResolver, type ObservabilityContext } from "./workflowRuns.resolver.js";

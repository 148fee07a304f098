/**
 * Observability: OpenTelemetry traces (the SDK, started only when configured), Prometheus
 * metrics, and the recent workflow runs the run view shows. It knows no feature.
 *
 * This file is its entry point; the other files under src/observability are internal.
 */
export {
  startTracing,
  type TraceExporterKind,
  type Tracing,
  type TracingOptions,
  type TracingSettings,
} from "./tracing.js";

/**
 * The OpenTelemetry SDK, started only when tracing is configured: nothing here is loaded
 * otherwise (the modules are imported inside startTracing), and the rest of the app then
 * sees no tracer at all.
 */
import {
  context,
  propagation,
  trace,
  type TextMapPropagator,
  type Tracer,
} from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { TracingSettings } from "./config.js";

export interface TracingOptions {
  /** The exporter: from `exporter` kind by default; tests give an in-memory one. */
  spanExporter?: SpanExporter;
  /** Export each span as it ends (tests) instead of in batches (the default). */
  exportEachSpan?: boolean;
  /** `service.name` unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise. */
  serviceName?: string;
}

/** A started SDK. */
export interface Tracing {
  readonly tracer: Tracer;
  /** Reads and writes W3C `traceparent` / `tracestate` headers. */
  readonly propagator: TextMapPropagator;
  /** Exports every span that has ended. */
  forceFlush(): Promise<void>;
  /** Exports what is left and unregisters the SDK's globals. Safe to call twice. */
  shutdown(): Promise<void>;
}

export const TRACER_NAME = "activelog-api";

/**
 * Starts the SDK: a Node tracer provider (the sampler from OTEL_TRACES_SAMPLER, the
 * resource from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES), the AsyncLocalStorage
 * context manager, the W3C trace-context propagator, and Prisma's instrumentation (its
 * spans for each query and SQL statement).
 */
export async function startTracing(
  settings: TracingSettings,
  options: TracingOptions = {},
): Promise<Tracing> {
  const [
    { NodeTracerProvider },
    { BatchSpanProcessor, SimpleSpanProcessor, ConsoleSpanExporter },
    { defaultResource, detectResources, envDetector, resourceFromAttributes },
    { W3CTraceContextPropagator },
    { PrismaInstrumentation },
  ] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/core"),
    import("@prisma/instrumentation"),
  ]);
  const exporter =
    options.spanExporter ??
    (settings.exporter === "console"
      ? new ConsoleSpanExporter()
      : new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter());
  const resource = defaultResource()
    .merge(resourceFromAttributes({ "service.name": options.serviceName ?? TRACER_NAME }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [
      options.exportEachSpan ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter),
    ],
  });
  const propagator = new W3CTraceContextPropagator();
  provider.register({ propagator });
  const prisma = new PrismaInstrumentation({ enabled: false });
  prisma.setTracerProvider(provider);
  prisma.enable();

  let stopping: Promise<void> | undefined;
  return {
    tracer: provider.getTracer(TRACER_NAME),
    propagator,
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopping ??= (async () => {
        prisma.disable();
        try {
          await provider.shutdown();
        } finally {
          trace.disable();
          context.disable();
          propagation.disable();
        }
      })();
      return stopping;
    },
  };
}

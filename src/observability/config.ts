/**
 * The observability settings, read from the environment. Kept free of heavy imports (a
 * second entry of this folder, like db/config.ts): the server reads its configuration
 * before it loads anything else.
 */
import { isWholeNumberIn, notAWholeNumberIn } from "../support/wholeNumber.js";

/** Where spans go: `otlp` (the OTEL_EXPORTER_OTLP_* variables say where), `console`, or nowhere (off). */
export type TraceExporterKind = "otlp" | "console" | "none";

export interface TracingSettings {
  exporter: TraceExporterKind;
}

export interface MetricsSettings {
  /** Serve `GET /metrics`. */
  enabled: boolean;
  /** When set, /metrics answers only requests with `Authorization: Bearer <token>`. */
  token: string | undefined;
}

export interface ObservabilitySettings {
  tracing: TracingSettings;
  metrics: MetricsSettings;
  /** Recent runs kept per user for the `workflowRuns` query; 0 keeps none. */
  runHistorySize: number;
}

const EXPORTERS: readonly TraceExporterKind[] = ["otlp", "console", "none"];
export const MIN_METRICS_TOKEN_LENGTH = 16;

/**
 * Reads OpenTelemetry's standard variables (tracing is off unless they ask for it) and
 * the metrics and run-history settings; appends a sentence to `problems` for each bad value.
 */
export function observabilityConfigFromEnv(
  env: NodeJS.ProcessEnv,
  production: boolean,
  problems: string[],
): ObservabilitySettings {
  return {
    tracing: tracingFrom(env, problems),
    metrics: metricsFrom(env, production, problems),
    runHistorySize: runHistorySizeFrom(env, production, problems),
  };
}

function tracingFrom(env: NodeJS.ProcessEnv, problems: string[]): TracingSettings {
  const text = (name: string) => env[name]?.trim() || undefined;
  const endpoints = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"];
  for (const name of endpoints) {
    const value = text(name);
    if (value !== undefined && !isHttpUrl(value)) {
      problems.push(`${name} must be an http:// or https:// URL, got "${value}"`);
    }
  }
  for (const name of ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]) {
    const value = text(name);
    if (value !== undefined && value !== "http/protobuf") {
      problems.push(
        `${name} must be http/protobuf (the only OTLP protocol supported), got "${value}"`,
      );
    }
  }
  const disabled = text("OTEL_SDK_DISABLED");
  if (disabled !== undefined && disabled !== "true" && disabled !== "false") {
    problems.push(`OTEL_SDK_DISABLED must be true or false, got "${disabled}"`);
  }
  const asked = text("OTEL_TRACES_EXPORTER");
  if (asked !== undefined && !EXPORTERS.includes(asked as TraceExporterKind)) {
    problems.push(`OTEL_TRACES_EXPORTER must be one of ${EXPORTERS.join(", ")}, got "${asked}"`);
    return { exporter: "none" };
  }
  if (disabled === "true") return { exporter: "none" };
  // Off by default: an endpoint, or an exporter named outright, turns it on.
  const exporter =
    (asked as TraceExporterKind | undefined) ??
    (endpoints.some((name) => text(name) !== undefined) ? "otlp" : "none");
  return { exporter };
}

function metricsFrom(
  env: NodeJS.ProcessEnv,
  production: boolean,
  problems: string[],
): MetricsSettings {
  const token = env.METRICS_TOKEN?.trim() || undefined;
  if (token !== undefined && (token.length < MIN_METRICS_TOKEN_LENGTH || /\s/.test(token))) {
    problems.push(
      `METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters with no spaces`,
    );
  }
  const text = env.METRICS_ENABLED?.trim();
  if (text && text !== "true" && text !== "false") {
    problems.push(`METRICS_ENABLED must be true or false, got "${text}"`);
  }
  // In production /metrics is never public: it needs a token, and is off without one.
  const enabled = text ? text === "true" : !production || token !== undefined;
  if (enabled && production && token === undefined) {
    problems.push("METRICS_ENABLED=true in production needs METRICS_TOKEN (a bearer token)");
  }
  return { enabled, token };
}

/** 50 runs per user outside production; none in production unless asked for (each run then builds a report). */
function runHistorySizeFrom(
  env: NodeJS.ProcessEnv,
  production: boolean,
  problems: string[],
): number {
  const fallback = production ? 0 : 50;
  const text = env.RUN_HISTORY_SIZE?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!isWholeNumberIn(value, 0, 1_000)) {
    problems.push(notAWholeNumberIn("RUN_HISTORY_SIZE", 0, 1_000, text));
    return fallback;
  }
  return value;
}

function isHttpUrl(text: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

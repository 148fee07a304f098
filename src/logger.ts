import { createRequire } from "node:module";
import { trace } from "@opentelemetry/api";
import { pino, type Logger } from "pino";
import type PinoPretty from "pino-pretty";
import type { LogFormat, LogLevel } from "./config.js";

import { SECRET_FIELDS } from "./support/redactSecrets.js";

/** Paths whose values never reach a log line. */
export const REDACTED_LOG_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  "variables.input.password",
];

/**
 * A pino `mixin`: the active span's trace and span ids on every line written while it is
 * active (the request's, the GraphQL operation's, a workflow step's), under the names of
 * OpenTelemetry's log data model. Installed only when tracing is on.
 */
export function traceLogFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}` };
}

export interface LoggerSettings {
  logLevel: LogLevel;
  /** `auto`: pretty on a terminal outside production, JSON lines otherwise. */
  logFormat: LogFormat;
  nodeEnv: string;
  /** Put the active span's trace and span ids on every line (when tracing is on). */
  traceIds?: boolean;
}

/** True when log lines should be pretty: asked for, or a person is reading the terminal. */
export function wantsPrettyLogs(
  settings: Pick<LoggerSettings, "logFormat" | "nodeEnv">,
  isTerminal = Boolean(process.stdout.isTTY),
): boolean {
  if (settings.logFormat !== "auto") return settings.logFormat === "pretty";
  return isTerminal && settings.nodeEnv !== "production";
}

/** pino-pretty as a synchronous stream on stdout; undefined when it is not installed. */
function prettyStream(): pino.DestinationStream | undefined {
  let pretty: typeof PinoPretty;
  try {
    // A development dependency: a production install has none, and logs JSON.
    pretty = createRequire(import.meta.url)("pino-pretty") as typeof pretty;
  } catch {
    return undefined;
  }
  return pretty({
    colorize: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,service",
    sync: true,
  });
}

/**
 * The app's structured logger: JSON lines on stdout, or pretty coloured lines for a
 * person at a terminal (see {@link wantsPrettyLogs}). `destination` overrides both.
 */
export function createLogger(
  settings: LoggerSettings,
  destination?: pino.DestinationStream,
): Logger {
  const options = {
    level: settings.logLevel,
    redact: { paths: REDACTED_LOG_PATHS, censor: "[Redacted]" },
    base: { service: "activelog-api" },
    ...(settings.traceIds && { mixin: traceLogFields }),
  };
  if (destination) return pino(options, destination);
  if (wantsPrettyLogs(settings)) {
    const stream = prettyStream();
    if (stream) return pino(options, stream);
    if (settings.logFormat === "pretty") {
      throw new Error(
        "LOG_FORMAT=pretty needs pino-pretty, a development dependency: run npm install (without --omit=dev)",
      );
    }
  }
  return pino(options);
}

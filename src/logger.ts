import { pino, type Logger } from "pino";
import type { LogLevel } from "./config.js";

/** Paths whose values never reach a log line. */
export const REDACTED_LOG_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "*.password",
  "*.passwordHash",
  "*.token",
  "*.sessionToken",
  "*.authorization",
  "variables.input.password",
];

/** The app's structured logger (JSON lines on stdout). */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_LOG_PATHS, censor: "[Redacted]" },
    base: { service: "activelog-api" },
  };
  return destination ? pino(options, destination) : pino(options);
}

import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";

const PROBES: ReadonlySet<string> = new Set(["/healthz", "/readyz"]);

/**
 * A line per request (pino-http: the request, the response, the time taken) when `info`
 * is on, and `req.log`, the request's logger, always.
 *
 * When `info` is off (LOG_LEVEL=warn, as production usually runs), pino-http would still
 * serialize and redact every request into a child logger that writes nothing: about 65 µs
 * of CPU a request, and garbage, in a profile of `{ me { email } }`. Then `req.log` is made
 * only when something logs through it, bound to the request as pino-http's would be.
 */
export function requestLogging(logger: Logger): RequestHandler {
  if (logger.isLevelEnabled("info")) {
    return pinoHttp({ logger, autoLogging: { ignore: (req) => PROBES.has(req.url ?? "") } });
  }
  let lastId = 0;
  // `req.log` is a getter on the app's request prototype (Express gives each app its own),
  // defined once: defining it on every request cost more than the rest of this middleware.
  const withGetter = new WeakSet<object>();
  const madeLoggers = new WeakMap<object, Logger>();
  return (req, _res, next) => {
    req.id = ++lastId;
    const prototype = Object.getPrototypeOf(req) as object;
    if (!withGetter.has(prototype)) {
      withGetter.add(prototype);
      Object.defineProperty(prototype, "log", {
        configurable: true,
        get(this: typeof req): Logger {
          let requestLogger = madeLoggers.get(this);
          if (requestLogger === undefined) {
            const bindings = { req: { id: this.id, method: this.method, url: this.url } };
            requestLogger = logger.child(bindings);
            madeLoggers.set(this, requestLogger);
          }
          return requestLogger;
        },
      });
    }
    next();
  };
}

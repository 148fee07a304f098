// Internal to the broker: the logger its runs and steps write to.
import pino, { type Logger } from "pino";
import { redactSecrets } from "../support/redactSecrets.js";

type LogFormatter = (object: object) => object;

/**
 * A child of `base` (or of a silent logger when none is given) that redacts secrets,
 * at any depth, in every object logged through it or its children. A `formatters.log`
 * of `base` still runs, after the redaction.
 */
export function createBrokerLogger(base: Logger | undefined): Logger {
  if (base === undefined) return pino({ level: "silent" });
  const inherited = (base as unknown as Record<symbol, { log?: LogFormatter } | undefined>)[
    pino.symbols.formattersSym
  ]?.log;
  const log: LogFormatter = (object) => {
    const redacted = redactSecrets(object);
    return inherited ? inherited(redacted) : redacted;
  };
  return base.child({}, { formatters: { log } });
}

const LEVEL_METHODS: ReadonlySet<string> = new Set([
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
]);
const ignore = () => {};

/**
 * `parent.child(bindings)`, made only when something is logged through it at a level that
 * is on (or it is used otherwise); `bindings` may be a function, called then. pino
 * serializes a child's bindings when it is made: a run makes one logger per run, attempt
 * and step, which a run whose lines all fall below the level (production at `warn`) would
 * pay for and never use.
 */
export function lazyChild(parent: Logger, bindings: pino.Bindings | (() => pino.Bindings)): Logger {
  let child: Logger | undefined;
  return new Proxy(parent, {
    get(_target, key) {
      if (child === undefined && typeof key === "string") {
        if (LEVEL_METHODS.has(key) && !parent.isLevelEnabled(key)) return ignore;
        if (key === "isLevelEnabled") return (level: string) => parent.isLevelEnabled(level);
      }
      child ??= parent.child(typeof bindings === "function" ? bindings() : bindings);
      const value: unknown = Reflect.get(child, key, child);
      return typeof value === "function" ? value.bind(child) : value;
    },
  });
}

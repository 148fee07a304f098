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

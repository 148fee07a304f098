// Internal to the outbox: the default mailer. Import it from ./index.js.
import type { Logger } from "pino";
import type { Mailer } from "./mailer.js";

/**
 * The default mailer: there is no mail provider here, so it logs the e-mail at info
 * instead of sending it. Only the recipient and subject are logged, never the body (a
 * body may one day carry a link with a token in it).
 */
export function createLoggingMailer(logger: Logger): Mailer {
  return {
    async send({ to, subject, text }) {
      logger.info({ to, subject, textLength: text.length }, "e-mail logged (no mail provider)");
    },
  };
}

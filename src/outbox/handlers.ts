// Internal to the outbox: the handlers by topic. Import them from ./index.js.
import { WELCOME_EMAIL_TOPIC } from "../usecases/users/queueWelcomeEmail.js";
import type { Mailer } from "./mailer.js";
import type { OutboxHandlers } from "./types.js";
import { createWelcomeEmailHandler } from "./welcomeEmailHandler.js";

/** The app's handlers, one per topic a use case writes to the outbox. */
export function createOutboxHandlers({ mailer }: { mailer: Mailer }): OutboxHandlers {
  return {
    [WELCOME_EMAIL_TOPIC]: createWelcomeEmailHandler(mailer),
  };
}

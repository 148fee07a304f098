// Internal to the outbox: the "user.welcome-email" handler. Import it from ./index.js.
import type { Email, Mailer } from "./mailer.js";
import type { OutboxHandler } from "./types.js";
import { parseWelcomeEmailPayload, type WelcomeEmailPayload } from "./welcomeEmailPayload.js";

/** The welcome e-mail for a newly registered user. */
export function welcomeEmail({ email }: WelcomeEmailPayload): Email {
  return {
    to: email,
    subject: "Welcome to Activelog",
    text: [
      "Hi,",
      "",
      "Welcome to Activelog! Your account is ready: log your first run, ride or workout",
      "and your stats will keep count.",
      "",
      "If you did not create this account, you can ignore this e-mail.",
    ].join("\n"),
  };
}

/** Handles "user.welcome-email": validates the payload, then sends the welcome e-mail. */
export function createWelcomeEmailHandler(mailer: Mailer): OutboxHandler {
  return async (message) => {
    await mailer.send(welcomeEmail(parseWelcomeEmailPayload(message.payload)));
  };
}

// Internal to the outbox: the mailer interface. Import it from ./index.js.
/** One plain-text e-mail. */
export interface Email {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/**
 * Sends e-mail. Resolving means the provider accepted the message; rejecting means it did
 * not (the outbox then retries it). Plug a real provider in by implementing this and
 * passing it to `createApiServer({ mailer })`.
 */
export interface Mailer {
  send(email: Email): Promise<void>;
}

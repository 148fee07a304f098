// Internal to the outbox: the welcome e-mail payload check. Import it from ./index.js.
import { WELCOME_EMAIL_TOPIC } from "../usecases/users/queueWelcomeEmail.js";
import { isCanonicalEmail } from "../usecases/users/email.js";
import { MalformedPayloadError } from "./errors.js";

/** What QueueWelcomeEmail stores in the outbox. */
export interface WelcomeEmailPayload {
  userId: string;
  email: string;
}

/** Checks the stored JSON; throws {@link MalformedPayloadError} naming the first bad field. */
export function parseWelcomeEmailPayload(payload: unknown): WelcomeEmailPayload {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new MalformedPayloadError(WELCOME_EMAIL_TOPIC, "expected an object");
  }
  const { userId, email } = payload as Record<string, unknown>;
  if (typeof userId !== "string" || userId === "") {
    throw new MalformedPayloadError(WELCOME_EMAIL_TOPIC, "userId must be a non-empty string");
  }
  // The rule registration applied (src/usecases/users/email.ts): an address stored in its
  // canonical form; anything else was never registered and will never be deliverable.
  if (!isCanonicalEmail(email)) {
    throw new MalformedPayloadError(WELCOME_EMAIL_TOPIC, "email must be a valid e-mail address");
  }
  return { userId, email };
}

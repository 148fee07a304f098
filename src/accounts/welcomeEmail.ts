/**
 * The welcome e-mail, whole: the registerUser step that queues it in the outbox (inside
 * the transaction), the payload it stores, and the outbox handler that sends it after
 * commit. A rolled-back registration leaves no message, so it never e-mails anyone.
 */
import { defineUseCase, type StepContext } from "../broker/index.js";
import type { TransactionClient } from "../db/index.js";
import {
  MalformedPayloadError,
  type Email,
  type Mailer,
  type OutboxHandlers,
} from "../outbox/index.js";
import { isCanonicalEmail } from "./email.js";

export const WELCOME_EMAIL_TOPIC = "user.welcome-email";

/** What QueueWelcomeEmail stores in the outbox, and the handler reads back. */
export interface WelcomeEmailPayload {
  userId: string;
  email: string;
}

/**
 * Records the welcome e-mail in the outbox; the dispatcher sends it after commit. With
 * `sendWelcomeEmail` false it writes nothing, and `welcomeEmailQueued` says so.
 */
export const queueWelcomeEmail = defineUseCase({
  name: "QueueWelcomeEmail",
  async run(
    input: WelcomeEmailPayload & { sendWelcomeEmail: boolean },
    { tx }: StepContext<TransactionClient>,
  ): Promise<{ welcomeEmailQueued: boolean; welcomeEmailMessageId: string | null }> {
    if (!input.sendWelcomeEmail) return { welcomeEmailQueued: false, welcomeEmailMessageId: null };
    const payload: WelcomeEmailPayload = { userId: input.userId, email: input.email };
    const message = await tx.outboxMessage.create({
      data: { topic: WELCOME_EMAIL_TOPIC, payload: { ...payload } },
      select: { id: true },
    });
    return { welcomeEmailQueued: true, welcomeEmailMessageId: message.id };
  },
});

/** Checks the stored JSON; throws {@link MalformedPayloadError} naming the first bad field. */
export function parseWelcomeEmailPayload(payload: unknown): WelcomeEmailPayload {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new MalformedPayloadError(WELCOME_EMAIL_TOPIC, "expected an object");
  }
  const { userId, email } = payload as Record<string, unknown>;
  if (typeof userId !== "string" || userId === "") {
    throw new MalformedPayloadError(WELCOME_EMAIL_TOPIC, "userId must be a non-empty string");
  }
  // The rule registration applied (email.ts): an address stored in its canonical form;
  // anything else was never registered and will never be deliverable.
  if (!isCanonicalEmail(email)) {
    throw new MalformedPayloadError(WELCOME_EMAIL_TOPIC, "email must be a valid e-mail address");
  }
  return { userId, email };
}

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

/** The outbox handler of {@link WELCOME_EMAIL_TOPIC}: validates the payload, then sends the e-mail. */
export function welcomeEmailHandlers(mailer: Mailer): OutboxHandlers {
  return {
    [WELCOME_EMAIL_TOPIC]: async (message) => {
      await mailer.send(welcomeEmail(parseWelcomeEmailPayload(message.payload)));
    },
  };
}

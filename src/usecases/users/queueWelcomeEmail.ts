import { defineUseCase } from "../../broker/index.js";
import type { Step } from "../step.js";

export const WELCOME_EMAIL_TOPIC = "user.welcome-email";

/**
 * Records the welcome e-mail in the outbox. Nothing is sent inside the transaction:
 * a dispatcher sends it after commit, so a rolled-back registration never e-mails anyone.
 */
export const queueWelcomeEmail = defineUseCase({
  name: "QueueWelcomeEmail",
  async run(input: { userId: string; email: string }, { tx }: Step) {
    const message = await tx.outboxMessage.create({
      data: { topic: WELCOME_EMAIL_TOPIC, payload: { userId: input.userId, email: input.email } },
      select: { id: true },
    });
    return { welcomeEmailQueued: true, welcomeEmailMessageId: message.id };
  },
});

import { defineUseCase } from "../../broker/index.js";
import type { Step } from "../step.js";

/** Leaves the user an in-app notification about the activity they logged. */
export const sendNotification = defineUseCase({
  name: "SendNotification",
  async run(input: { userId: string; title: string }, { tx }: Step) {
    const notification = await tx.notification.create({
      data: { userId: input.userId, message: `Activity logged: ${input.title}` },
      select: { id: true },
    });
    return { notificationId: notification.id, notificationSent: true };
  },
});

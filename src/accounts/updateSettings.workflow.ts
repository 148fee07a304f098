import { defineUseCase, defineWorkflow, type StepContext } from "../broker/index.js";
import type { TransactionClient, User } from "../db/index.js";

/** A user's settings: columns of users, under the names GraphQL's User.settings gives them. */
export type UserSettings = Pick<User, "activityNotifications">;

/** What updateSettings is run with: whose settings, and their new values (account.inputs.ts). */
export interface SettingsChange extends UserSettings {
  userId: string;
}

/** Stores the caller's settings and returns them as stored. */
const updateSettings = defineUseCase({
  name: "UpdateSettings",
  async run(input: SettingsChange, { tx }: StepContext<TransactionClient>) {
    const settings = await tx.user.update({
      where: { id: input.userId },
      data: { activityNotifications: input.activityNotifications },
      select: { activityNotifications: true },
    });
    return { settings };
  },
});

/**
 * updateSettings: UpdateSettings. The signed-in user's settings change at once, for their
 * next workflow: createActivity's SendNotification reads activityNotifications in its own
 * transaction.
 */
export const updateSettingsWorkflow = defineWorkflow<SettingsChange>()(
  "updateSettings",
  [updateSettings],
  { isolationLevel: "ReadCommitted", timeout: 5_000 },
);

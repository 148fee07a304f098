import { defineUseCase } from "../../broker/index.js";
import type { Step } from "../step.js";

/** Stores the stronger hash CheckCredentials made, when it made one. */
export const upgradePasswordHash = defineUseCase({
  name: "UpgradePasswordHash",
  async run(input: { userId: string; upgradedPasswordHash: string | null }, { tx }: Step) {
    if (input.upgradedPasswordHash === null) return { passwordHashUpgraded: false };
    await tx.user.update({
      where: { id: input.userId },
      data: { passwordHash: input.upgradedPasswordHash },
      select: { id: true },
    });
    return { passwordHashUpgraded: true };
  },
});

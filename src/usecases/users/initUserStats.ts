import { defineUseCase } from "../../broker/index.js";
import type { Step } from "../step.js";

/** Gives a new user their stats row (0 activities), which UpdateStats relies on. */
export const initUserStats = defineUseCase({
  name: "InitUserStats",
  async run(input: { userId: string }, { tx }: Step) {
    await tx.userStats.create({ data: { userId: input.userId } });
    return { statsInitialized: true };
  },
});

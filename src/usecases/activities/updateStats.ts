import { defineUseCase } from "../../broker/index.js";
import { Prisma } from "../../db/index.js";
import type { Step } from "../step.js";

/** The user has no stats row: a data fault, not something to paper over with an upsert. */
export class UserStatsMissingError extends Error {
  override readonly name = "UserStatsMissingError";
  constructor(readonly userId: string) {
    super(`User ${userId} has no user_stats row`);
  }
}

/** Adds one to the user's activity count, atomically in SQL (no read-modify-write race). */
export const updateStats = defineUseCase({
  name: "UpdateStats",
  async run(input: { userId: string }, { tx }: Step) {
    try {
      const stats = await tx.userStats.update({
        where: { userId: input.userId },
        data: { totalActivities: { increment: 1 } },
        select: { totalActivities: true },
      });
      return { statsUpdated: true, totalActivities: stats.totalActivities };
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") {
        throw new UserStatsMissingError(input.userId);
      }
      throw error;
    }
  },
});

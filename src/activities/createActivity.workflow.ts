import { defineUseCase, defineWorkflow, type StepContext } from "../broker/index.js";
import { Prisma, type TransactionClient } from "../db/index.js";
import { activityFromRow, type Activity } from "./activity.types.js";

/** What createActivity is run with: the activity as the caller gave it, normalised (activity.inputs.ts). */
export interface NewActivity {
  userId: string;
  type: string;
  title: string;
  description: string | null;
  durationMinutes: number | null;
  distanceKm: number | null;
  activityDate: Date;
}

/** The user has no stats row: a data fault, not something to paper over with an upsert. */
export class UserStatsMissingError extends Error {
  override readonly name = "UserStatsMissingError";
  constructor(readonly userId: string) {
    super(`User ${userId} has no user_stats row`);
  }
}

/** Writes the activity row; the activity travels on, for the notification and the payload. */
const createActivity = defineUseCase({
  name: "CreateActivity",
  async run(input: NewActivity, { tx }: StepContext<TransactionClient>) {
    const { userId, type, title, description, durationMinutes, distanceKm, activityDate } = input;
    const row = await tx.activity.create({
      data: { userId, type, title, description, durationMinutes, distanceKm, activityDate },
    });
    return { activity: activityFromRow(row) };
  },
});

/**
 * Leaves the user an in-app notification about the activity they logged, unless they
 * turned activity notifications off (users.activity_notifications): then it writes
 * nothing and says so. One statement, the setting read by the insert itself, so that
 * createActivity stays at three round trips inside its transaction.
 */
const sendNotification = defineUseCase({
  name: "SendNotification",
  async run(
    input: { userId: string; activity: Pick<Activity, "title"> },
    { tx }: StepContext<TransactionClient>,
  ): Promise<{ notificationId: string | null; notificationSent: boolean }> {
    const message = `Activity logged: ${input.activity.title}`;
    const written = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO notifications (id, user_id, message)
      SELECT gen_random_uuid(), id, ${message} FROM users
      WHERE id = ${input.userId}::uuid AND activity_notifications
      RETURNING id::text`;
    const id = written[0]?.id;
    return id === undefined
      ? { notificationId: null, notificationSent: false }
      : { notificationId: id, notificationSent: true };
  },
});

/**
 * Adds one to the user's activity count, atomically in SQL (no read-modify-write race).
 * `statsUpdated` is always true: without the update the step throws and the whole
 * workflow rolls back, so no payload ever says false.
 */
const updateStats = defineUseCase({
  name: "UpdateStats",
  async run(input: { userId: string }, { tx }: StepContext<TransactionClient>) {
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

/**
 * createActivity: CreateActivity -> SendNotification -> UpdateStats. The activity, its
 * notification (when the user wants one) and the +1 on the user's stats commit together
 * or not at all, so `user_stats.total_activities` always equals the number of the user's
 * activities.
 */
export const createActivityWorkflow = defineWorkflow<NewActivity>()(
  "createActivity",
  [createActivity, sendNotification, updateStats],
  { isolationLevel: "ReadCommitted", timeout: 5_000 },
);

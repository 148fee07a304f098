import { defineUseCase } from "../../broker/index.js";
import type { Step } from "../step.js";

export interface NewActivity {
  userId: string;
  type: string;
  title: string;
  description: string | null;
  durationMinutes: number | null;
  distanceKm: number | null;
  activityDate: Date;
}

/** Writes the activity row; the row itself travels on so the payload can return it. */
export const createActivity = defineUseCase({
  name: "CreateActivity",
  async run(input: NewActivity, { tx }: Step) {
    const activity = await tx.activity.create({
      data: {
        userId: input.userId,
        activityType: input.type,
        title: input.title,
        description: input.description,
        durationMinutes: input.durationMinutes,
        distanceKm: input.distanceKm,
        activityDate: input.activityDate,
      },
    });
    return { activityId: activity.id, title: activity.title, activity };
  },
});

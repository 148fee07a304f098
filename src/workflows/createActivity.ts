import { defineWorkflow } from "../broker/index.js";
import { createActivity, type NewActivity } from "../usecases/activities/createActivity.js";
import { sendNotification } from "../usecases/activities/sendNotification.js";
import { updateStats } from "../usecases/activities/updateStats.js";

export type CreateActivityWorkflowInput = NewActivity;

/**
 * createActivity: CreateActivity -> SendNotification -> UpdateStats. The activity, its
 * notification and the +1 on the user's stats commit together or not at all, so
 * `user_stats.total_activities` always equals the number of the user's activities.
 */
export const createActivityWorkflow = defineWorkflow<CreateActivityWorkflowInput>()(
  "createActivity",
  [createActivity, sendNotification, updateStats],
  { isolationLevel: "ReadCommitted", timeout: 5_000 },
);

import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import type { WorkflowResult } from "../broker/index.js";
import type { Activity as ActivityRow, Notification, UserStats } from "../db/index.js";
import type { createActivityWorkflow } from "./createActivity.workflow.js";

/**
 * An activity as this feature hands it on: the row with its distance as a number. Rows
 * become this in one place, {@link activityFromRow}, as they leave the database.
 */
export interface Activity extends Omit<ActivityRow, "distanceKm"> {
  distanceKm: number | null;
}

export function activityFromRow(row: ActivityRow): Activity {
  return { ...row, distanceKm: row.distanceKm === null ? null : row.distanceKm.toNumber() };
}

@ObjectType("Activity", { description: "One logged run, ride or workout." })
export class ActivityType implements Omit<Activity, "userId" | "updatedAt"> {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "What kind of activity: run, ride, swim, ..." })
  type!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Int, { nullable: true })
  durationMinutes!: number | null;

  @Field(() => Float, { nullable: true, description: "Kilometres." })
  distanceKm!: number | null;

  @Field(() => Date, { description: "When the activity took place." })
  activityDate!: Date;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType("ActivityEdge")
export class ActivityEdgeType {
  @Field(() => String)
  cursor!: string;

  @Field(() => ActivityType)
  node!: Activity;
}

@ObjectType("PageInfo")
export class PageInfoType {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: "Pass as `after` to get the next page." })
  endCursor!: string | null;
}

@ObjectType("ActivityConnection", {
  description: "A page of the viewer's activities, newest first.",
})
export class ActivityConnectionType {
  @Field(() => [ActivityEdgeType])
  edges!: ActivityEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;
}

type CreateActivityResult = WorkflowResult<typeof createActivityWorkflow>;

/** The createActivity workflow's result, as it is (a change to it that this no longer matches fails to compile), and two deprecated copies of activity fields. */
@ObjectType("CreateActivityPayload")
export class CreateActivityPayload implements Pick<
  CreateActivityResult,
  "activity" | "notificationId" | "notificationSent" | "statsUpdated"
> {
  @Field(() => ID, { deprecationReason: "Use activity.id." })
  activityId!: string;

  @Field(() => String, { deprecationReason: "Use activity.title." })
  title!: string;

  @Field(() => ID, {
    nullable: true,
    description:
      "The in-app notification about this activity; null when `notificationSent` is false.",
  })
  notificationId!: string | null;

  @Field(() => Boolean, {
    description:
      "True when an in-app notification about this activity was written (it is in `me.notifications`). False when the user has activity notifications off (`me.settings.activityNotifications`, set by `updateSettings`): none was written, and `notificationId` is null.",
  })
  notificationSent!: boolean;

  @Field(() => Boolean, {
    description:
      "Always true: `me.stats.totalActivities` was incremented in the same transaction as the activity. A run that cannot update the stats fails as a whole and writes nothing, so it returns no payload.",
  })
  statsUpdated!: boolean;

  @Field(() => ActivityType)
  activity!: Activity;
}

@ObjectType("UserStats")
export class UserStatsType implements Pick<UserStats, "totalActivities" | "updatedAt"> {
  @Field(() => Int)
  totalActivities!: number;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType("Notification")
export class NotificationType implements Pick<
  Notification,
  "id" | "message" | "createdAt" | "readAt"
> {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  message!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  readAt!: Date | null;
}

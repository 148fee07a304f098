import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, Info, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { UserType } from "../accounts/index.js";
import type { Notification, UserStats } from "../db/index.js";
import { DryRunArg, runWorkflow, type RequestContext } from "../graphql/index.js";
import {
  ACTIVITIES_PAGE_DEFAULT,
  ACTIVITIES_PAGE_MAX,
  NOTIFICATIONS_DEFAULT,
  NOTIFICATIONS_MAX,
  type ActivityPage,
  type ActivityReads,
} from "./activity.reads.js";
import { CreateActivityInput, newActivityFrom } from "./activity.inputs.js";
import {
  ActivityConnectionType,
  CreateActivityPayload,
  NotificationType,
  UserStatsType,
} from "./activity.types.js";
import type { createActivityWorkflow } from "./createActivity.workflow.js";

/** What the activity resolvers find in the request context. */
export interface ActivitiesContext extends RequestContext {
  activities: {
    workflows: { createActivity: typeof createActivityWorkflow };
    reads: ActivityReads;
  };
}

@Resolver()
export class ActivityResolver {
  @Mutation(() => CreateActivityPayload, {
    description:
      "Logs an activity for the signed-in user (workflow createActivity). Send an " +
      "Idempotency-Key header to make a retry safe: a repeat returns the first result.",
  })
  async createActivity(
    @Arg("input", () => CreateActivityInput) input: CreateActivityInput,
    @DryRunArg() dryRun: boolean | null,
    @Ctx() context: ActivitiesContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CreateActivityPayload> {
    const { userId } = await context.requireViewer();
    const output = await runWorkflow(
      context,
      info,
      context.activities.workflows.createActivity,
      newActivityFrom(input, userId),
      { dryRun },
    );
    return { ...output, activityId: output.activity.id, title: output.activity.title };
  }

  @Query(() => ActivityConnectionType, {
    description: `The signed-in user's activities, newest first. first: 1-${ACTIVITIES_PAGE_MAX}.`,
  })
  async activities(
    @Arg("first", () => Int, { nullable: true, defaultValue: ACTIVITIES_PAGE_DEFAULT })
    first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() { activities, requireViewer }: ActivitiesContext,
  ): Promise<ActivityPage> {
    const { userId } = await requireViewer();
    return activities.reads.activities(userId, { first: first ?? ACTIVITIES_PAGE_DEFAULT, after });
  }
}

/** A user's activity counts and notifications, as fields of User. */
@Resolver(() => UserType)
export class UserActivityResolver {
  @FieldResolver(() => UserStatsType, { nullable: true })
  stats(
    @Root() user: UserType,
    @Ctx() { activities }: ActivitiesContext,
  ): Promise<UserStats | null> {
    return activities.reads.userStats(user.id);
  }

  @FieldResolver(() => [NotificationType], {
    description: `Most recent first. first: 0-${NOTIFICATIONS_MAX}.`,
  })
  notifications(
    @Root() user: UserType,
    @Arg("first", () => Int, { nullable: true, defaultValue: NOTIFICATIONS_DEFAULT })
    first: number | null,
    @Ctx() { activities }: ActivitiesContext,
  ): Promise<Notification[]> {
    return activities.reads.recentNotifications(user.id, first ?? NOTIFICATIONS_DEFAULT);
  }
}

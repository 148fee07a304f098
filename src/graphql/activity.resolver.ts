import { Arg, Ctx, FieldResolver, Float, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Activity } from "../db/index.js";
import {
  ACTIVITIES_PAGE_DEFAULT,
  ACTIVITIES_PAGE_MAX,
  type ActivityPage,
} from "../queries/readModel.js";
import { ActivityConnectionType, ActivityType } from "./activity.type.js";
import type { GraphQLContext } from "./context.js";
import { CreateActivityInput } from "./createActivity.input.js";
import { CreateActivityPayload } from "./payloads.type.js";

@Resolver(() => ActivityType)
export class ActivityResolver {
  @Mutation(() => CreateActivityPayload, {
    description: "Logs an activity for the signed-in user (workflow createActivity).",
  })
  async createActivity(
    @Arg("input", () => CreateActivityInput) input: CreateActivityInput,
    @Ctx() { broker, workflows, requireViewerId, signal }: GraphQLContext,
  ): Promise<CreateActivityPayload> {
    const userId = await requireViewerId();
    const run = await broker.run(
      workflows.createActivity,
      {
        userId,
        type: input.type.trim(),
        title: input.title.trim(),
        description: input.description?.trim() || null,
        durationMinutes: input.durationMinutes ?? null,
        distanceKm: input.distanceKm ?? null,
        activityDate: input.activityDate ?? new Date(),
      },
      { signal },
    );
    return run.output;
  }

  @Query(() => ActivityConnectionType, {
    description: `The signed-in user's activities, newest first. first: 1-${ACTIVITIES_PAGE_MAX}.`,
  })
  async activities(
    @Arg("first", () => Int, { nullable: true, defaultValue: ACTIVITIES_PAGE_DEFAULT })
    first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() { reads, requireViewerId }: GraphQLContext,
  ): Promise<ActivityPage> {
    return reads.activities(await requireViewerId(), {
      first: first ?? ACTIVITIES_PAGE_DEFAULT,
      after,
    });
  }

  @FieldResolver(() => Float, { nullable: true, description: "Kilometres." })
  distanceKm(@Root() activity: Activity): number | null {
    return activity.distanceKm === null ? null : activity.distanceKm.toNumber();
  }
}

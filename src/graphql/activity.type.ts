import { Field, ID, Int, ObjectType } from "type-graphql";
import type { Activity } from "../db/index.js";

/** An activity as stored; `distanceKm` (a Decimal) is exposed as Float by ActivityResolver. */
@ObjectType("Activity", { description: "One logged run, ride or workout." })
export class ActivityType implements Omit<Activity, "distanceKm" | "userId" | "updatedAt"> {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { name: "type", description: "What kind of activity: run, ride, swim, ..." })
  activityType!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Int, { nullable: true })
  durationMinutes!: number | null;

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

import { IsOptional } from "class-validator";
import { Field, Float, InputType, Int } from "type-graphql";
import {
  AtLeast,
  AtMost,
  CleanText,
  DateBetween,
  DESCRIPTION_MAX_LENGTH,
  MaxText,
  NotBlank,
  registerFieldLabels,
  TEXT_MAX_LENGTH,
} from "../graphql/index.js";
import type { NewActivity } from "./createActivity.workflow.js";

export const DURATION_MAX_MINUTES = 7 * 24 * 60;
export const DISTANCE_MAX_KM = 100_000;
/** Activity dates: from 1900 to tomorrow (a day's slack for time zones ahead of the server's). */
export const EARLIEST_ACTIVITY_DATE = new Date("1900-01-01T00:00:00Z");
const latestActivityDate = () => new Date(Date.now() + 24 * 60 * 60 * 1000);

registerFieldLabels({
  type: "Type",
  title: "Title",
  description: "Description",
  durationMinutes: "Duration",
  distanceKm: "Distance",
  activityDate: "Date",
});

@InputType("CreateActivityInput")
export class CreateActivityInput {
  @Field(() => String, { description: `run, ride, swim, ... (1-${TEXT_MAX_LENGTH} characters)` })
  @NotBlank()
  @CleanText()
  @MaxText()
  type!: string;

  @Field(() => String, { description: `1-${TEXT_MAX_LENGTH} characters` })
  @NotBlank()
  @CleanText()
  @MaxText()
  title!: string;

  @Field(() => String, {
    nullable: true,
    description: `Up to ${DESCRIPTION_MAX_LENGTH} characters; line breaks allowed.`,
  })
  @IsOptional()
  @CleanText({ multiline: true })
  @MaxText(DESCRIPTION_MAX_LENGTH)
  description?: string | null;

  @Field(() => Int, { nullable: true, description: `0-${DURATION_MAX_MINUTES}` })
  @IsOptional()
  @AtLeast(0)
  @AtMost(DURATION_MAX_MINUTES, " minutes (a week)")
  durationMinutes?: number | null;

  @Field(() => Float, { nullable: true, description: `0-${DISTANCE_MAX_KM}` })
  @IsOptional()
  @AtLeast(0)
  @AtMost(DISTANCE_MAX_KM, " km")
  distanceKm?: number | null;

  @Field(() => Date, {
    nullable: true,
    description: "When it took place, from 1900 to tomorrow; defaults to now.",
  })
  @IsOptional()
  @DateBetween(EARLIEST_ACTIVITY_DATE, latestActivityDate, "between 1900 and tomorrow")
  activityDate?: Date | null;
}

/**
 * The workflow's input from a validated CreateActivityInput, normalised here and nowhere
 * else: text trimmed, an empty description absent, the date now when none is given.
 */
export function newActivityFrom(input: CreateActivityInput, userId: string): NewActivity {
  return {
    userId,
    type: input.type.trim(),
    title: input.title.trim(),
    description: input.description?.trim() || null,
    durationMinutes: input.durationMinutes ?? null,
    distanceKm: input.distanceKm ?? null,
    activityDate: input.activityDate ?? new Date(),
  };
}

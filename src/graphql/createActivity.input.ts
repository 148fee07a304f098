import { IsOptional, Max, Min } from "class-validator";
import { Field, Float, InputType, Int } from "type-graphql";
import { DESCRIPTION_MAX_LENGTH, MaxText, NotBlank, TEXT_MAX_LENGTH } from "./validation.js";

export const DURATION_MAX_MINUTES = 7 * 24 * 60;
export const DISTANCE_MAX_KM = 100_000;

@InputType("CreateActivityInput")
export class CreateActivityInput {
  @Field(() => String, { description: `run, ride, swim, ... (1-${TEXT_MAX_LENGTH} characters)` })
  @NotBlank()
  @MaxText()
  type!: string;

  @Field(() => String, { description: `1-${TEXT_MAX_LENGTH} characters` })
  @NotBlank()
  @MaxText()
  title!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxText(DESCRIPTION_MAX_LENGTH)
  description?: string | null;

  @Field(() => Int, { nullable: true, description: `0-${DURATION_MAX_MINUTES}` })
  @IsOptional()
  @Min(0, { message: "durationMinutes must not be negative" })
  @Max(DURATION_MAX_MINUTES, { message: `durationMinutes must be at most ${DURATION_MAX_MINUTES}` })
  durationMinutes?: number | null;

  @Field(() => Float, { nullable: true, description: `0-${DISTANCE_MAX_KM}` })
  @IsOptional()
  @Min(0, { message: "distanceKm must not be negative" })
  @Max(DISTANCE_MAX_KM, { message: `distanceKm must be at most ${DISTANCE_MAX_KM}` })
  distanceKm?: number | null;

  @Field(() => Date, { nullable: true, description: "When it took place; defaults to now." })
  @IsOptional()
  activityDate?: Date | null;
}

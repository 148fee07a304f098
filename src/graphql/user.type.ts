import { Field, ID, Int, ObjectType } from "type-graphql";
import type { Notification, User, UserStats } from "../db/index.js";

@ObjectType("User")
export class UserType implements Pick<User, "id" | "email" | "createdAt"> {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => Date)
  createdAt!: Date;
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

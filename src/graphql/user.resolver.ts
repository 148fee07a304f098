import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { Notification, User, UserStats } from "../db/index.js";
import { NOTIFICATIONS_DEFAULT, NOTIFICATIONS_MAX } from "../queries/readModel.js";
import type { GraphQLContext } from "./context.js";
import { NotificationType, UserStatsType, UserType } from "./user.type.js";

@Resolver(() => UserType)
export class UserResolver {
  @FieldResolver(() => UserStatsType, { nullable: true })
  stats(@Root() user: User, @Ctx() { reads }: GraphQLContext): Promise<UserStats | null> {
    return reads.userStats(user.id);
  }

  @FieldResolver(() => [NotificationType], {
    description: `Most recent first. first: 0-${NOTIFICATIONS_MAX}.`,
  })
  notifications(
    @Root() user: User,
    @Arg("first", () => Int, { nullable: true, defaultValue: NOTIFICATIONS_DEFAULT })
    first: number | null,
    @Ctx() { reads }: GraphQLContext,
  ): Promise<Notification[]> {
    return reads.recentNotifications(user.id, first ?? NOTIFICATIONS_DEFAULT);
  }
}

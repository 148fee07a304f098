/**
 * What the activity resolvers read, outside any workflow: the viewer's activities, stats
 * and notifications. Writes never happen here; they go through the createActivity workflow.
 */
import type { Notification, PrismaClient, UserStats } from "../db/index.js";
import { BadUserInputError } from "../errors/index.js";
import { activityFromRow, type Activity } from "./activity.types.js";

export const ACTIVITIES_PAGE_DEFAULT = 20;
export const ACTIVITIES_PAGE_MAX = 50;
export const NOTIFICATIONS_DEFAULT = 10;
export const NOTIFICATIONS_MAX = 50;

export interface ActivityPage {
  edges: { cursor: string; node: Activity }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The cursor names the last row seen by its sort key (activity date, then id). */
function encodeCursor(activity: Pick<Activity, "activityDate" | "id">): string {
  return Buffer.from(JSON.stringify([activity.activityDate.toISOString(), activity.id])).toString(
    "base64url",
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Cursors name activity dates, which lie between 1900 and tomorrow; these bounds are looser. */
const CURSOR_DATES = [Date.UTC(1800, 0, 1), Date.UTC(3000, 0, 1)] as const;

/**
 * Reads a cursor this API made, and nothing else: a malformed or foreign one (not
 * base64url JSON, not [ISO date, UUID], a date out of range) is BAD_USER_INPUT, never a
 * query that fails in the database.
 */
function decodeCursor(cursor: string): { activityDate: Date; id: string } {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(decoded) && decoded.length === 2) {
      const [date, id] = decoded as unknown[];
      const activityDate = new Date(typeof date === "string" ? date : NaN);
      const time = activityDate.getTime();
      if (
        typeof id === "string" &&
        UUID.test(id) &&
        time >= CURSOR_DATES[0] &&
        time <= CURSOR_DATES[1] &&
        activityDate.toISOString() === date
      ) {
        return { activityDate, id };
      }
    }
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError(
    "after",
    "after is not a cursor returned by this API (use pageInfo.endCursor).",
  );
}

export function createActivityReads(prisma: PrismaClient) {
  return {
    userStats(userId: string): Promise<UserStats | null> {
      return prisma.userStats.findUnique({ where: { userId } });
    },

    recentNotifications(userId: string, first: number): Promise<Notification[]> {
      if (!Number.isInteger(first) || first < 0 || first > NOTIFICATIONS_MAX) {
        throw new BadUserInputError(
          "first",
          `first must be a whole number from 0 to ${NOTIFICATIONS_MAX}.`,
        );
      }
      return prisma.notification.findMany({
        where: { userId },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: first,
      });
    },

    /** The user's activities, newest first (by activity date, then id), keyset-paginated. */
    async activities(
      userId: string,
      page: { first: number; after?: string | null },
    ): Promise<ActivityPage> {
      const { first, after } = page;
      if (!Number.isInteger(first) || first < 1 || first > ACTIVITIES_PAGE_MAX) {
        throw new BadUserInputError(
          "first",
          `first must be a whole number from 1 to ${ACTIVITIES_PAGE_MAX}.`,
        );
      }
      const cursor = after ? decodeCursor(after) : null;
      const rows = await prisma.activity.findMany({
        where: {
          userId,
          ...(cursor && {
            OR: [
              { activityDate: { lt: cursor.activityDate } },
              { activityDate: cursor.activityDate, id: { lt: cursor.id } },
            ],
          }),
        },
        orderBy: [{ activityDate: "desc" }, { id: "desc" }],
        take: first + 1,
      });
      const nodes = rows.slice(0, first).map(activityFromRow);
      const edges = nodes.map((node) => ({ cursor: encodeCursor(node), node }));
      return {
        edges,
        pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },
  };
}

export type ActivityReads = ReturnType<typeof createActivityReads>;

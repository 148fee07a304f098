/**
 * `npm run bench`: what the broker costs over a hand-written Prisma interactive
 * transaction doing the same writes (the createActivity workflow's three, the notification's
 * insert reading the user's setting itself), on PostgreSQL
 * and on the embedded database. Numbers, not pass/fail: speed targets live here, not in
 * timed tests.
 */
import { afterAll, bench, describe } from "vitest";
import { createBroker } from "../src/broker/index.js";
import { createActivityWorkflow } from "../src/activities/index.js";
import {
  createTestDatabase,
  type DatabaseKind,
  type TestDatabase,
} from "../test/helpers/testDatabases.js";

interface Fixture {
  database: TestDatabase;
  userId: string;
  broker: ReturnType<typeof createBroker<TestDatabase["prisma"]>>;
}

async function createFixture(kind: DatabaseKind): Promise<Fixture> {
  const database = await createTestDatabase(kind);
  const user = await database.prisma.user.create({
    data: { email: `bench-${kind}@example.com`, passwordHash: "x", stats: { create: {} } },
  });
  const broker = createBroker({ client: database.prisma, workflows: [createActivityWorkflow] });
  return { database, userId: user.id, broker };
}

for (const kind of ["postgres", "embedded"] satisfies DatabaseKind[]) {
  describe(`createActivity on the ${kind} database`, () => {
    // vitest runs benchmarks before describe-level beforeAll hooks settle: set up lazily.
    let fixture: Promise<Fixture> | undefined;
    const ready = () => (fixture ??= createFixture(kind));
    afterAll(async () => {
      await (await fixture)?.database.destroy();
    });

    const activity = (userId: string) => ({
      userId,
      type: "run",
      title: "Bench",
      description: null,
      durationMinutes: 30,
      distanceKm: 5,
      activityDate: new Date(),
    });

    bench("broker.run(createActivityWorkflow)", async () => {
      const { broker, userId } = await ready();
      await broker.run(createActivityWorkflow, activity(userId));
    });

    bench("the same writes in prisma.$transaction by hand", async () => {
      const { database, userId } = await ready();
      const input = activity(userId);
      // As createActivity.workflow.ts's steps write them: SQL through the transaction client.
      await database.prisma.$transaction(
        async (tx) => {
          const { type, title, description, durationMinutes, distanceKm, activityDate } = input;
          await tx.$queryRaw`
            INSERT INTO activities (id, user_id, activity_type, title, description, duration_minutes,
              distance_km, activity_date, updated_at)
            VALUES (gen_random_uuid(), ${userId}::uuid, ${type}, ${title}, ${description},
              ${durationMinutes}::integer, ${distanceKm}::numeric, ${activityDate}::timestamptz, now())
            RETURNING id::text, user_id::text AS "userId", activity_type AS type, title, description,
              duration_minutes AS "durationMinutes", distance_km::float8 AS "distanceKm",
              activity_date AS "activityDate", created_at AS "createdAt", updated_at AS "updatedAt"`;
          await tx.$queryRaw`
            INSERT INTO notifications (id, user_id, message)
            SELECT gen_random_uuid(), id, ${"Activity logged: Bench"} FROM users
            WHERE id = ${userId}::uuid AND activity_notifications
            RETURNING id::text`;
          await tx.$queryRaw`
            UPDATE user_stats SET total_activities = total_activities + 1, updated_at = now()
            WHERE user_id = ${userId}::uuid
            RETURNING total_activities AS "totalActivities"`;
        },
        { isolationLevel: "ReadCommitted" },
      );
    });
  });
}

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
      await database.prisma.$transaction(
        async (tx) => {
          await tx.activity.create({
            data: {
              userId,
              type: input.type,
              title: input.title,
              durationMinutes: input.durationMinutes,
              distanceKm: input.distanceKm,
              activityDate: input.activityDate,
            },
          });
          await tx.$queryRaw`
            INSERT INTO notifications (id, user_id, message)
            SELECT gen_random_uuid(), id, ${"Activity logged: Bench"} FROM users
            WHERE id = ${userId}::uuid AND activity_notifications
            RETURNING id::text`;
          await tx.userStats.update({
            where: { userId },
            data: { totalActivities: { increment: 1 } },
          });
        },
        { isolationLevel: "ReadCommitted" },
      );
    });
  });
}

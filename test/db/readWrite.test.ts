import { describe, expect, it } from "vitest";
import { type DatabaseKind, useTestDatabase } from "../helpers/testDatabases.js";

describe.each<DatabaseKind>(["postgres", "embedded"])("the %s database", (kind) => {
  const database = useTestDatabase(kind);

  it("reads and writes every table", async () => {
    const { prisma } = database;
    const user = await prisma.user.create({
      data: { email: `reader-${kind}@example.com`, passwordHash: "scrypt$hash" },
    });
    await prisma.userStats.create({ data: { userId: user.id, totalActivities: 1 } });
    const activity = await prisma.activity.create({
      data: {
        userId: user.id,
        type: "run",
        title: "Morning run",
        durationMinutes: 42,
        distanceKm: "10.125",
        activityDate: new Date("2026-11-01T07:00:00Z"),
      },
    });
    await prisma.notification.create({ data: { userId: user.id, message: "Logged" } });
    await prisma.session.create({
      data: {
        userId: user.id,
        tokenHash: "hash-" + kind,
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    await prisma.outboxMessage.create({
      data: { topic: "welcome-email", payload: { userId: user.id } },
    });

    const loaded = await prisma.user.findUniqueOrThrow({
      where: { id: user.id },
      include: { stats: true, activities: true, notifications: true, sessions: true },
    });
    expect(loaded.stats?.totalActivities).toBe(1);
    expect(loaded.activities).toHaveLength(1);
    expect(loaded.activities[0]?.distanceKm?.toString()).toBe("10.125");
    expect(loaded.activities[0]?.id).toBe(activity.id);
    expect(loaded.notifications.map((n) => n.message)).toEqual(["Logged"]);
    expect(loaded.sessions).toHaveLength(1);
    const outbox = await prisma.outboxMessage.findMany();
    expect(outbox).toEqual([
      expect.objectContaining({
        topic: "welcome-email",
        payload: { userId: user.id },
        attempts: 0,
        dispatchedAt: null,
      }),
    ]);
  });

  it("rolls back an interactive transaction that throws", async () => {
    const { prisma } = database;
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.user.create({
          data: { email: `rollback-${kind}@example.com`, passwordHash: "x" },
        });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await prisma.user.count({ where: { email: `rollback-${kind}@example.com` } })).toBe(0);
  });

  it("applies the requested isolation level inside the transaction", async () => {
    const levels = await database.prisma.$transaction(
      (tx) => tx.$queryRaw<{ transaction_isolation: string }[]>`SHOW transaction_isolation`,
      { isolationLevel: "RepeatableRead" },
    );
    expect(levels).toEqual([{ transaction_isolation: "repeatable read" }]);
  });
});

describe("the embedded database's settings", () => {
  const database = useTestDatabase("embedded");

  it("keeps 16 MB of shared buffers, which live in its thread's memory for good", async () => {
    const [row] = await database.prisma.$queryRaw<
      { shared_buffers: string }[]
    >`SHOW shared_buffers`;
    expect(row?.shared_buffers).toBe("16MB");
  });
});

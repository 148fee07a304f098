/**
 * The flat transaction client (src/db/flatTransactionClient.ts): what Database.transactions
 * hands its work instead of Prisma's proxied `tx`. It must be the same client in every way
 * a workflow can tell (each statement in the transaction, raw or through a model; the
 * rollback; nested transactions as savepoints; the methods a transaction does not have),
 * and it must really be in use: after a Prisma upgrade that changes the client's insides,
 * the first test here fails rather than the app silently going back to the proxies.
 */
import { types } from "node:util";
import { describe, expect, it } from "vitest";
import type { TransactionClient } from "../../src/db/index.js";
import { transactionClientFlattener } from "../../src/db/flatTransactionClient.js";
import { insertUser } from "../broker/fixtures.js";
import { useTestDatabase, type DatabaseKind } from "../helpers/testDatabases.js";

class RollBack extends Error {}

describe.each<DatabaseKind>(["postgres", "embedded"])(
  "the flat transaction client on %s",
  (kind) => {
    const database = useTestDatabase(kind);

    it("is what Database.transactions gives its work: a plain object, not Prisma's proxy", async () => {
      expect(transactionClientFlattener(database.prisma)).toBeTypeOf("function");
      const flat = await database.transactions.$transaction(async (tx) => types.isProxy(tx));
      const prismas = await database.prisma.$transaction(async (tx) => types.isProxy(tx));
      expect({ flat, prismas }).toEqual({ flat: false, prismas: true });
    });

    it("runs every statement in the transaction, and rolls all of them back with it", async () => {
      const userId = await insertUser(database.prisma);
      const outcome = database.transactions.$transaction(async (tx) => {
        await tx.activity.create({
          data: { userId, type: "run", title: "through a model", activityDate: new Date() },
        });
        await tx.$executeRaw`
        INSERT INTO activities (id, user_id, activity_type, title, activity_date, updated_at)
        VALUES (gen_random_uuid(), ${userId}::uuid, 'ride', 'raw', now(), now())`;
        // Each sees the other's write: one transaction, one connection.
        const inside = await tx.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM activities WHERE user_id = ${userId}::uuid`;
        expect({
          raw: inside[0]!.count,
          viaModel: await tx.activity.count({ where: { userId } }),
        }).toEqual({ raw: 2, viaModel: 2 });
        // Not committed yet: another connection sees none of it. (The embedded database
        // has one session, which the transaction holds.)
        if (kind === "postgres") {
          expect(await database.prisma.activity.count({ where: { userId } })).toBe(0);
        }
        throw new RollBack();
      });
      await expect(outcome).rejects.toBeInstanceOf(RollBack);
      expect(await database.prisma.activity.count({ where: { userId } })).toBe(0);
    });

    it("commits what it wrote when the work succeeds", async () => {
      const userId = await insertUser(database.prisma);
      await database.transactions.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE users SET activity_notifications = false WHERE id = ${userId}::uuid`;
        await tx.userStats.update({ where: { userId }, data: { totalActivities: 7 } });
      });
      const user = await database.prisma.user.findUniqueOrThrow({
        where: { id: userId },
        include: { stats: true },
      });
      expect({
        notifications: user.activityNotifications,
        total: user.stats?.totalActivities,
      }).toEqual({
        notifications: false,
        total: 7,
      });
    });

    it("runs a nested $transaction as a savepoint, whose client is flat too", async () => {
      const userId = await insertUser(database.prisma);
      const write = (tx: TransactionClient, title: string) =>
        tx.activity.create({ data: { userId, type: "run", title, activityDate: new Date() } });
      await database.transactions.$transaction(async (tx) => {
        await write(tx, "outer");
        await expect(
          tx.$transaction(async (inner) => {
            expect(types.isProxy(inner)).toBe(false);
            await write(inner, "rolled back to the savepoint");
            throw new RollBack();
          }),
        ).rejects.toBeInstanceOf(RollBack);
        await tx.$transaction(async (inner) => write(inner, "kept"));
      });
      const titles = (await database.prisma.activity.findMany({ where: { userId } })).map(
        (row) => row.title,
      );
      expect(titles.sort()).toEqual(["kept", "outer"]);
    });

    it("has none of the methods Prisma takes away from a transaction's client", async () => {
      const denied = await database.transactions.$transaction(async (tx) => {
        const client = tx as unknown as Record<string, unknown>;
        return ["$connect", "$disconnect", "$on", "$use", "$extends"].map((key) => client[key]);
      });
      expect(denied).toEqual([undefined, undefined, undefined, undefined, undefined]);
    });
  },
);

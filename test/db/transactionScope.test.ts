/**
 * The hand-off of a transaction's scope (its cancel signal, its transaction-control guard)
 * from Database.transactions to the driver adapter, without AsyncLocalStorage
 * (src/db/transactionScope.ts): under many concurrent starts each transaction gets its own
 * scope and no other's, starts that are not the runner's get none, and a start that fails
 * before reaching the adapter does not hold up the ones after it.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TransactionControlError } from "../../src/db/transactionControl.js";
import { insertUser } from "../broker/fixtures.js";
import { useTestDatabase, type DatabaseKind } from "../helpers/testDatabases.js";

/** A savepoint sent through `tx` by hand: refused in a runner's transaction, allowed elsewhere. */
const SAVEPOINT_BY_HAND = "SAVEPOINT by_hand";

describe.each<DatabaseKind>(["postgres", "embedded"])("transaction scopes on %s", (kind) => {
  const database = useTestDatabase(kind);

  it("gives every concurrent runner transaction a scope, and the others none", async () => {
    const outcome = async (send: () => Promise<unknown>) =>
      send().then(
        () => "allowed",
        (error: unknown) => (error instanceof TransactionControlError ? "refused" : error),
      );
    const runnerStarts = Array.from({ length: 24 }, () =>
      database.transactions.$transaction(
        (tx) => outcome(() => tx.$executeRawUnsafe(SAVEPOINT_BY_HAND)),
        { isolationLevel: "ReadCommitted", signal: new AbortController().signal },
      ),
    );
    // Prisma's own start, no isolation level named, in among them: no scope, so no guard.
    const plainStarts = Array.from({ length: 8 }, () =>
      database.prisma.$transaction((tx) => outcome(() => tx.$executeRawUnsafe(SAVEPOINT_BY_HAND))),
    );
    expect(await Promise.all(runnerStarts)).toEqual(Array(24).fill("refused"));
    expect(await Promise.all(plainStarts)).toEqual(Array(8).fill("allowed"));
  });

  // On PostgreSQL, where transactions run side by side (the embedded database runs one at
  // a time, and its in-memory kind cannot cancel a statement: test/reliability/cancellation).
  it.runIf(kind === "postgres")(
    "aborts only the transaction whose own signal aborted",
    async () => {
      const userId = await insertUser(database.prisma);
      const controllers = Array.from({ length: 12 }, () => new AbortController());
      const aborted = 5;
      const runs = controllers.map((controller, i) =>
        database.transactions.$transaction(
          async (tx) => {
            await tx.activity.create({
              data: { userId, type: "run", title: `run ${i}`, activityDate: new Date() },
            });
            if (i === aborted) {
              // Cancelled by its signal while in this statement, long before it would end.
              setTimeout(() => controller.abort(new Error("stop")), 300);
              await tx.$executeRawUnsafe("SELECT pg_sleep(30)");
            }
            return i;
          },
          { signal: controller.signal, timeout: 60_000 },
        ),
      );
      const settled = await Promise.allSettled(runs);
      expect(settled.map((result) => result.status)).toEqual(
        controllers.map((_, i) => (i === aborted ? "rejected" : "fulfilled")),
      );
      const titles = (await database.prisma.activity.findMany({ where: { userId } })).map(
        (row) => row.title,
      );
      expect(titles.sort()).toEqual(
        controllers
          .map((_, i) => `run ${i}`)
          .filter((title) => title !== `run ${aborted}`)
          .sort(),
      );
    },
    20_000,
  );

  it("lets the starts after one that failed before reaching the adapter take their scopes", async () => {
    const failing = database.transactions.$transaction(async () => "never", {
      isolationLevel: "NoSuchLevel" as "ReadCommitted",
    });
    const after = database.transactions.$transaction((tx) =>
      tx.$executeRawUnsafe(SAVEPOINT_BY_HAND).then(
        () => "allowed",
        (error: unknown) => (error instanceof TransactionControlError ? "refused" : error),
      ),
    );
    await expect(failing).rejects.toThrow();
    expect(await after).toBe("refused");
  });
});

describe("the sources", () => {
  it("start no interactive transaction with an isolation level except through the runner", () => {
    // Such a start could take a scope meant for a workflow's (src/db/transactionScope.ts).
    const offenders: string[] = [];
    const visit = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (name === "generated") continue;
        if (statSync(path).isDirectory()) visit(path);
        else if (path.endsWith(".ts")) {
          const text = readFileSync(path, "utf8");
          if (/prisma\.\$transaction\(/.test(text) && /isolationLevel/.test(text)) {
            if (path !== join("src", "db", "database.ts")) offenders.push(path);
          }
        }
      }
    };
    visit("src");
    expect(offenders).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { createBroker, defineUseCase, defineWorkflow } from "../../src/broker/index.js";
import { type DatabaseKind, useTestDatabase } from "../helpers/testDatabases.js";
import { insertUser, rowCounts, sleep, type Context } from "./fixtures.js";

let release: () => void = () => {};
let entered: () => void = () => {};

/** Writes, then waits until the test releases it. */
const waitForRelease = defineUseCase({
  name: "WaitForRelease",
  async run(input: { userId: string }, { tx }: Context) {
    const row = await tx.activity.create({
      data: { userId: input.userId, type: "run", title: "t", activityDate: new Date() },
    });
    entered();
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return { activityId: row.id };
  },
});
const held = defineWorkflow<{ userId: string }>()("held", [waitForRelease]);
const failing = defineWorkflow<{ userId: string }>()("failing", [
  defineUseCase({
    name: "Fails",
    async run() {
      await sleep(50);
      throw new Error("nope");
    },
  }),
]);

describe.each<DatabaseKind>(["postgres", "embedded"])("drain on the %s database", (kind) => {
  const database = useTestDatabase(kind);

  it("resolves at once when no run is in flight", async () => {
    const broker = createBroker({ client: database.prisma, workflows: [held] });
    expect(broker.inFlight).toBe(0);
    await broker.drain();
  });

  it("waits for an in-flight run to commit before it resolves", async () => {
    const userId = await insertUser(database.prisma);
    const broker = createBroker({ client: database.prisma, workflows: [held] });
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const run = broker.run(held, { userId });
    await inside;
    expect(broker.inFlight).toBe(1);

    let drained = false;
    const draining = broker.drain().then(() => {
      drained = true;
    });
    await sleep(100);
    expect(drained).toBe(false);

    release();
    await draining;
    // By the time drain resolved the run had committed and settled.
    expect(broker.inFlight).toBe(0);
    expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 1 });
    expect((await run).output.activityId).toEqual(expect.any(String));
  });

  it("also waits for runs that fail, and does not reject", async () => {
    const userId = await insertUser(database.prisma);
    const broker = createBroker({ client: database.prisma, workflows: [failing] });
    const run = broker.run(failing, { userId }).catch((error: unknown) => error);
    expect(broker.inFlight).toBe(1);
    await expect(broker.drain()).resolves.toBeUndefined();
    expect(broker.inFlight).toBe(0);
    expect(await run).toBeInstanceOf(Error);
  });
});

/**
 * Compile-time guarantees of the broker, checked by `vitest run` (typecheck mode):
 * step chaining, the result rule, the transaction client type, and run inputs.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  createBroker,
  defineUseCase,
  defineWorkflow,
  type Broker,
  type StepContext,
  type StepInputError,
  type TransactionRunner,
  type UseCase,
  type ValidatedSteps,
  type Workflow,
  type WorkflowInput,
  type WorkflowResult,
  type WorkflowRun,
  workflowStep,
} from "../../src/broker/index.js";
import type { Prisma, PrismaClient } from "../../src/db/index.js";

type Tx = Prisma.TransactionClient;

const createActivity = defineUseCase({
  name: "CreateActivity",
  async run(input: { userId: string; title: string }, { tx }: StepContext<Tx>) {
    const row = await tx.activity.create({
      data: {
        userId: input.userId,
        type: "run",
        title: input.title,
        activityDate: new Date(),
      },
    });
    return { activityId: row.id };
  },
});
const sendNotification = defineUseCase({
  name: "SendNotification",
  async run(input: { userId: string; activityId: string }, { tx }: StepContext<Tx>) {
    const row = await tx.notification.create({
      data: { userId: input.userId, message: input.activityId },
    });
    return { notificationId: row.id, sent: true as const };
  },
});
const updateStats = defineUseCase({
  name: "UpdateStats",
  async run(input: { userId: string }, { tx }: StepContext<Tx>) {
    const stats = await tx.userStats.update({
      where: { userId: input.userId },
      data: { totalActivities: { increment: 1 } },
    });
    return { totalActivities: stats.totalActivities };
  },
});
/** Needs a key nobody provides. */
const needsTenant = defineUseCase({
  name: "NeedsTenant",
  async run(input: { tenantId: string; userId: string }) {
    return { tenant: input.tenantId };
  },
});
/** Returns `userId` as a number, and a key (`activityId`) another step also returns. */
const renumber = defineUseCase({
  name: "Renumber",
  async run(_input: { userId: string }) {
    return { userId: 7, activityId: 42 };
  },
});
/** Returns a key (`title`) that is also in the workflow's input. */
const retitle = defineUseCase({
  name: "Retitle",
  async run(input: { title: string }) {
    return { title: input.title.toUpperCase(), changed: true };
  },
});

interface CreateActivityInput {
  userId: string;
  title: string;
}

describe("defineUseCase", () => {
  it("infers the transaction client, input and output types from run's annotations", () => {
    expectTypeOf(createActivity).toEqualTypeOf<
      UseCase<Tx, { userId: string; title: string }, { activityId: string }>
    >();
    expectTypeOf(needsTenant).toEqualTypeOf<
      UseCase<unknown, { tenantId: string; userId: string }, { tenant: string }>
    >();
  });

  it("gives use cases the transaction client and nothing like a global client", () => {
    expectTypeOf<keyof StepContext<Tx>>().toEqualTypeOf<
      "tx" | "signal" | "workflow" | "step" | "attempt" | "logger"
    >();
    expectTypeOf<StepContext<Tx>["tx"]>().toEqualTypeOf<Tx>();
  });
});

describe("defineWorkflow", () => {
  const workflow = defineWorkflow<CreateActivityInput>()(
    "createActivity",
    [createActivity, sendNotification, updateStats],
    { isolationLevel: "ReadCommitted", timeout: 5_000 },
  );

  it("types the workflow by its input, its steps' client and the merge of their outputs", () => {
    expectTypeOf(workflow).toEqualTypeOf<
      Workflow<
        Tx,
        CreateActivityInput,
        { activityId: string; notificationId: string; sent: true; totalActivities: number }
      >
    >();
    expectTypeOf<WorkflowInput<typeof workflow>>().toEqualTypeOf<CreateActivityInput>();
  });

  it("leaves the input out of the result unless a step returns it", () => {
    expectTypeOf<WorkflowResult<typeof workflow>>().not.toHaveProperty("userId");
    expectTypeOf<WorkflowResult<typeof workflow>>().not.toHaveProperty("title");
    const retitled = defineWorkflow<CreateActivityInput>()("retitle", [retitle]);
    expectTypeOf(retitled).toEqualTypeOf<
      Workflow<unknown, CreateActivityInput, { title: string; changed: boolean }>
    >();
  });

  it("lets a later step's key replace an earlier one's, in the type too", () => {
    // createActivity returns activityId: string, renumber then returns activityId: number.
    const later = defineWorkflow<CreateActivityInput>()("laterWins", [createActivity, renumber]);
    type Expected = Omit<{ activityId: string }, "activityId" | "userId"> & {
      userId: number;
      activityId: number;
    };
    expectTypeOf<WorkflowResult<typeof later>>().toEqualTypeOf<{
      [K in keyof Expected]: Expected[K];
    }>();
    expectTypeOf(later).toEqualTypeOf<
      Workflow<Tx, CreateActivityInput, { activityId: number; userId: number }>
    >();
  });

  it("keeps an optional later key's alternative from the earlier step", () => {
    const maybeNote = defineUseCase({
      name: "MaybeNote",
      async run(_input: object): Promise<{ note?: string }> {
        return {};
      },
    });
    const firstNote = defineUseCase({
      name: "FirstNote",
      async run(_input: object) {
        return { note: 1 };
      },
    });
    const notes = defineWorkflow<object>()("notes", [firstNote, maybeNote]);
    expectTypeOf(notes).toEqualTypeOf<
      Workflow<unknown, object, { note: number | string | undefined }>
    >();
  });

  it("accepts a step whose input an earlier step's output provides", () => {
    // sendNotification needs activityId, which only createActivity provides.
    defineWorkflow<{ userId: string; title: string }>()("chain", [
      createActivity,
      sendNotification,
    ]);
  });

  it("rejects a step whose input key neither the input nor an earlier step provides", () => {
    // sendNotification before createActivity: nothing provides activityId yet.
    // @ts-expect-error -- step 1 misses activityId
    defineWorkflow<CreateActivityInput>()("wrongOrder", [sendNotification, createActivity]);
    // @ts-expect-error -- step 2 misses tenantId
    defineWorkflow<CreateActivityInput>()("missing", [createActivity, needsTenant]);
  });

  it("rejects a step that gets a key with the wrong type", () => {
    // renumber turns userId into a number; updateStats needs a string.
    // @ts-expect-error -- step 2 gets userId: number
    defineWorkflow<CreateActivityInput>()("wrongType", [renumber, updateStats]);
    // @ts-expect-error -- the input's userId is a number
    defineWorkflow<{ userId: number; title: string }>()("wrongInput", [createActivity]);
  });

  it("names the offending step and its missing or wrongly typed keys", () => {
    expectTypeOf<
      ValidatedSteps<CreateActivityInput, readonly [typeof createActivity, typeof needsTenant]>
    >().toEqualTypeOf<readonly [typeof createActivity, StepInputError<2, "tenantId", never>]>();
    expectTypeOf<
      ValidatedSteps<CreateActivityInput, readonly [typeof renumber, typeof updateStats]>
    >().toEqualTypeOf<readonly [typeof renumber, StepInputError<2, never, "userId">]>();
  });

  it("takes a use case written inline in the step list as needing no input and no particular client", () => {
    const inline = defineWorkflow<{ userId: string }>()("inline", [
      defineUseCase({
        name: "Inline",
        async run() {
          return { done: true };
        },
      }),
      updateStats,
    ]);
    expectTypeOf(inline).toEqualTypeOf<
      Workflow<Tx, { userId: string }, { done: boolean; totalActivities: number }>
    >();
  });

  it("gives a workflow whose step can only throw the result type never", () => {
    const fails = defineUseCase({
      name: "Fails",
      async run(_input: { userId: string }) {
        throw new Error("always");
      },
    });
    const failing = defineWorkflow<CreateActivityInput>()("failing", [createActivity, fails]);
    expectTypeOf<WorkflowResult<typeof failing>>().toBeNever();
    expectTypeOf(failing).toEqualTypeOf<Workflow<Tx, CreateActivityInput, never>>();
  });

  it("rejects an empty step list", () => {
    // @ts-expect-error -- a workflow needs at least one step
    defineWorkflow<CreateActivityInput>()("empty", []);
  });
});

describe("the broker's types", () => {
  const workflow = defineWorkflow<CreateActivityInput>()("createActivity", [
    createActivity,
    sendNotification,
  ]);
  type OtherTx = { other: true };
  const otherStep = defineUseCase({
    name: "Other",
    async run(_input: object, _context: StepContext<OtherTx>) {
      return {};
    },
  });
  const otherWorkflow = defineWorkflow<object>()("other", [otherStep]);

  it("accepts a PrismaClient as the transaction runner of Prisma's transaction client", () => {
    expectTypeOf<PrismaClient>().toExtend<TransactionRunner<Tx>>();
    const broker = createBroker({ client: {} as PrismaClient, workflows: [workflow] });
    expectTypeOf(broker).toEqualTypeOf<Broker<Tx>>();
  });

  it("returns the workflow's result type from run, and requires its input", () => {
    const broker = {} as Broker<Tx>;
    expectTypeOf(broker.run(workflow, { userId: "u", title: "t" })).toEqualTypeOf<
      Promise<WorkflowRun<{ activityId: string; notificationId: string; sent: true }>>
    >();
    // @ts-expect-error -- title is missing
    void broker.run(workflow, { userId: "u" });
    // @ts-expect-error -- userId has the wrong type
    void broker.run(workflow, { userId: 1, title: "t" });
  });

  it("refuses a workflow whose steps need another transaction client", () => {
    const broker = {} as Broker<Tx>;
    // @ts-expect-error -- otherStep needs OtherTx
    void broker.run(otherWorkflow, {});
    // @ts-expect-error -- otherWorkflow cannot be registered either
    createBroker({ client: {} as PrismaClient, workflows: [workflow, otherWorkflow] });
  });

  it("keeps any out of the public types", () => {
    expectTypeOf<WorkflowResult<typeof workflow>>().not.toBeAny();
    expectTypeOf<WorkflowInput<typeof workflow>>().not.toBeAny();
    expectTypeOf<WorkflowRun<WorkflowResult<typeof workflow>>["output"]>().not.toBeAny();
    expectTypeOf<Parameters<Broker<Tx>["run"]>[2]>().not.toBeAny();
  });
});

describe("steps before the transaction (types)", () => {
  const hash = defineUseCase({
    name: "Hash",
    beforeTransaction: true,
    async run(input: { password: string }, context) {
      // @ts-expect-error -- a step before the transaction has no tx
      void context.tx;
      expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
      return { passwordHash: input.password.length.toString() };
    },
  });
  const store = defineUseCase({
    name: "Store",
    async run(input: { passwordHash: string }, { tx }: StepContext<Tx>) {
      await tx.$queryRaw`SELECT ${input.passwordHash}`;
      return { stored: true as const };
    },
  });

  it("chains their output into later steps and the result, and leaves the client type to the others", () => {
    const workflow = defineWorkflow<{ password: string }>()("hashThenStore", [hash, store]);
    expectTypeOf<WorkflowResult<typeof workflow>>().toEqualTypeOf<{
      passwordHash: string;
      stored: true;
    }>();
    createBroker({ client: {} as PrismaClient, workflows: [workflow] });
  });

  it("checks their input like any step's", () => {
    // @ts-expect-error -- Hash needs password, which nothing provides
    defineWorkflow<{ userId: string }>()("unhashed", [hash, store]);
  });
});

describe("workflows as steps (types)", () => {
  const notify = defineWorkflow<{ userId: string; activityId: string }>()("notify", [
    sendNotification,
  ]);

  it("chains a nested workflow like a use case: its input checked, its result merged", () => {
    const workflow = defineWorkflow<{ userId: string; title: string }>()("logAndNotify", [
      createActivity,
      workflowStep(notify),
      updateStats,
    ]);
    expectTypeOf(workflow).toEqualTypeOf<
      Workflow<Tx, { userId: string; title: string }, WorkflowResult<typeof workflow>>
    >();
    expectTypeOf<WorkflowResult<typeof workflow>>().toEqualTypeOf<{
      activityId: string;
      notificationId: string;
      sent: true;
      totalActivities: number;
    }>();
  });

  it("rejects a nested workflow whose input nothing before it provides", () => {
    // @ts-expect-error -- notify needs activityId, which no step before it provides
    defineWorkflow<{ userId: string; title: string }>()("notifyFirst", [workflowStep(notify)]);
  });

  it("types onFailure by the nested workflow's input and result", () => {
    workflowStep(notify, {
      onFailure: (failure, input) => {
        expectTypeOf(input).toEqualTypeOf<{ userId: string; activityId: string }>();
        expectTypeOf(failure.step).toEqualTypeOf<string>();
        return { notificationId: "none", sent: true as const };
      },
    });
    // @ts-expect-error -- the fallback must be the nested workflow's result
    workflowStep(notify, { onFailure: () => ({ sent: false }) });
  });
});

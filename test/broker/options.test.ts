import { describe, expect, it } from "vitest";
import {
  BUILT_IN_DEFAULTS,
  createBroker,
  defineUseCase,
  defineWorkflow,
  InvalidWorkflowError,
  type IsolationLevel,
  type TransactionOptions,
  type TransactionRunner,
  type Workflow,
} from "../../src/broker/index.js";
import type { PrismaClient } from "../../src/db/index.js";
import { type DatabaseKind, useTestDatabase } from "../helpers/testDatabases.js";
import { countingRunner, type Context, type Tx } from "./fixtures.js";

let stepRuns = 0;
/** Reports the isolation level the transaction really runs at. */
const showIsolation = defineUseCase({
  name: "ShowIsolation",
  async run(_input: object, { tx }: Context) {
    stepRuns += 1;
    const rows = await tx.$queryRaw<
      { transaction_isolation: string }[]
    >`SHOW transaction_isolation`;
    return { level: rows[0]?.transaction_isolation };
  },
});

const LEVELS: [IsolationLevel, string][] = [
  ["ReadUncommitted", "read uncommitted"],
  ["ReadCommitted", "read committed"],
  ["RepeatableRead", "repeatable read"],
  ["Serializable", "serializable"],
];

const plain = defineWorkflow<object>()("plain", [showIsolation]);
const repeatable = defineWorkflow<object>()("repeatable", [showIsolation], {
  isolationLevel: "RepeatableRead",
  timeout: 1_234,
  retry: { maxAttempts: 5 },
});
const perLevel = LEVELS.map(([level]) =>
  defineWorkflow<object>()(`at${level}`, [showIsolation], { isolationLevel: level }),
);

/** A runner that records the options of every transaction it starts. */
function recordingRunner(client: PrismaClient) {
  const seen: Parameters<TransactionRunner<Tx>["$transaction"]>[1][] = [];
  const runner: TransactionRunner<Tx> = {
    $transaction(fn, options) {
      seen.push(options);
      return client.$transaction(fn, options);
    },
  };
  return { runner, seen };
}

describe.each<DatabaseKind>(["postgres", "embedded"])("options on the %s database", (kind) => {
  const database = useTestDatabase(kind);

  it.each(LEVELS)(
    "runs a workflow defined with %s at that isolation level",
    async (level, shown) => {
      const workflow = perLevel.find((candidate) => candidate.options.isolationLevel === level);
      if (workflow === undefined) throw new Error(`no workflow for ${level}`);
      const broker = createBroker({ client: database.prisma, workflows: perLevel });
      const run = await broker.run(workflow, {});
      expect(run.output.level).toBe(shown);
    },
  );

  it.each(LEVELS)("runs at %s when a run overrides the workflow's level", async (level, shown) => {
    const broker = createBroker({ client: database.prisma, workflows: [repeatable] });
    const run = await broker.run(repeatable, {}, { isolationLevel: level });
    expect(run.output.level).toBe(shown);
  });

  it("resolves each option from the run, then the workflow, then the broker, then the built-in defaults", async () => {
    const { runner, seen } = recordingRunner(database.prisma);
    const withDefaults = createBroker({
      client: runner,
      workflows: [plain, repeatable],
      defaults: { isolationLevel: "Serializable", maxWait: 1_500 },
    });
    const withoutDefaults = createBroker({ client: runner, workflows: [plain] });

    expect((await withDefaults.run(plain, {})).output.level).toBe("serializable");
    expect((await withDefaults.run(repeatable, {})).output.level).toBe("repeatable read");
    expect(
      (await withDefaults.run(repeatable, {}, { isolationLevel: "ReadCommitted", maxWait: 900 }))
        .output.level,
    ).toBe("read committed");
    expect((await withoutDefaults.run(plain, {})).output.level).toBe("read committed");

    expect(seen.map((options) => [options?.isolationLevel, options?.maxWait])).toEqual([
      ["Serializable", 1_500],
      ["RepeatableRead", 1_500],
      ["ReadCommitted", 900],
      ["ReadCommitted", BUILT_IN_DEFAULTS.maxWait],
    ]);
  });
});

describe("invalid options", () => {
  const database = useTestDatabase("postgres");

  const invalid: [string, unknown, RegExp][] = [
    ["a zero timeout", { timeout: 0 }, /timeout must be a whole number/],
    ["a negative timeout", { timeout: -5 }, /timeout must be a whole number/],
    ["a fractional timeout", { timeout: 1.5 }, /timeout must be a whole number/],
    ["a timeout too long for a timer", { timeout: 2 ** 31 }, /timeout must be a whole number/],
    ["a NaN timeout", { timeout: Number.NaN }, /timeout must be a whole number/],
    ["a timeout given as text", { timeout: "100" }, /timeout must be a whole number/],
    ["a zero maxWait", { maxWait: 0 }, /maxWait must be a whole number/],
    ["an unknown isolation level", { isolationLevel: "Snapshot" }, /isolationLevel must be one of/],
    [
      "SQL's spelling of a level",
      { isolationLevel: "SERIALIZABLE" },
      /isolationLevel must be one of/,
    ],
    ["zero attempts", { retry: { maxAttempts: 0 } }, /retry.maxAttempts must be/],
    ["a negative delay", { retry: { baseDelayMs: -1 } }, /retry.baseDelayMs must be/],
    [
      "a maximum delay below the base delay",
      { retry: { baseDelayMs: 50, maxDelayMs: 10 } },
      /retry.maxDelayMs \(10\) must not be less than retry.baseDelayMs \(50\)/,
    ],
    ["an unknown option", { timeot: 100 }, /unknown option "timeot"/],
    ["an unknown retry option", { retry: { attempts: 3 } }, /unknown retry option "attempts"/],
    ["options that are not an object", "fast", /expected an object/],
  ];

  it.each(invalid)("rejects %s when the workflow is defined", (_label, options, message) => {
    const define = () =>
      defineWorkflow<object>()("bad", [showIsolation], options as TransactionOptions);
    expect(define).toThrow(InvalidWorkflowError);
    expect(define).toThrow(message);
  });

  it.each(invalid)(
    "rejects %s as run overrides before any transaction starts",
    async (_label, options, message) => {
      const runner = countingRunner(database.prisma);
      const broker = createBroker({ client: runner, workflows: [plain] });
      stepRuns = 0;
      const error = await broker
        .run(plain, {}, options as TransactionOptions)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidWorkflowError);
      expect(error).toMatchObject({ code: "INVALID_WORKFLOW", name: "InvalidWorkflowError" });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('a run of workflow "plain"');
      expect(runner.started).toBe(0);
      expect(stepRuns).toBe(0);
    },
  );

  it("takes a signal among the run overrides, and rejects one that is not an AbortSignal", async () => {
    const runner = countingRunner(database.prisma);
    const broker = createBroker({ client: runner, workflows: [plain] });
    const run = await broker.run(plain, {}, { signal: new AbortController().signal });
    expect(run.attempts).toBe(1);
    const error = await broker
      .run(plain, {}, { signal: "stop" } as unknown as TransactionOptions)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidWorkflowError);
    expect((error as Error).message).toMatch(/signal must be an AbortSignal, got "stop"/);
    expect(runner.started).toBe(1);
  });

  it("does not take a signal as a workflow's or the broker's option", () => {
    const options = { signal: new AbortController().signal } as TransactionOptions;
    expect(() => defineWorkflow<object>()("bad", [showIsolation], options)).toThrow(
      /unknown option "signal"/,
    );
    expect(() =>
      createBroker({ client: database.prisma, workflows: [plain], defaults: options }),
    ).toThrow(/unknown option "signal"/);
  });

  it.each(invalid)("rejects %s as broker defaults", (_label, options, message) => {
    expect(() =>
      createBroker({
        client: database.prisma,
        workflows: [plain],
        defaults: options as TransactionOptions,
      }),
    ).toThrow(message);
  });

  it("rejects retry delays that contradict each other only once resolved, before any transaction", async () => {
    const runner = countingRunner(database.prisma);
    const slowBase = defineWorkflow<object>()("slowBase", [showIsolation], {
      retry: { baseDelayMs: 100 },
    });
    expect(() =>
      createBroker({
        client: runner,
        workflows: [slowBase],
        defaults: { retry: { maxDelayMs: 50 } },
      }),
    ).toThrow(/resolved retry.maxDelayMs \(50\) is less than retry.baseDelayMs \(100\)/);
    const broker = createBroker({ client: runner, workflows: [slowBase] });
    await expect(broker.run(slowBase, {}, { retry: { maxDelayMs: 99 } })).rejects.toThrow(
      InvalidWorkflowError,
    );
    expect(runner.started).toBe(0);
  });

  it("rejects a workflow without steps, or with something that is not a use case", () => {
    const define = defineWorkflow<object>() as unknown as (
      name: string,
      steps: unknown,
      options?: TransactionOptions,
    ) => unknown;
    expect(() => define("empty", [])).toThrow(/needs at least one step/);
    expect(() => define("notAList", showIsolation)).toThrow(/needs at least one step/);
    expect(() => define("nameless", [{ run: async () => ({}) }])).toThrow(
      /step 1: a use case needs a non-empty name/,
    );
    expect(() => define("runless", [showIsolation, { name: "X" }])).toThrow(
      /step 2: use case "X" has no run function/,
    );
    expect(() => define("", [showIsolation])).toThrow(InvalidWorkflowError);
    expect(() => defineUseCase({ name: " ", run: async () => ({}) })).toThrow(InvalidWorkflowError);
  });

  it("rejects two workflows with one name", () => {
    const again = defineWorkflow<object>()("plain", [showIsolation]);
    expect(() => createBroker({ client: database.prisma, workflows: [plain, again] })).toThrow(
      'createBroker: two workflows are named "plain"',
    );
  });

  it("rejects a workflow that defineWorkflow did not make", () => {
    const forged = { name: "forged", steps: [showIsolation], options: {} } as unknown as Workflow<
      Tx,
      object,
      object
    >;
    expect(() => createBroker({ client: database.prisma, workflows: [forged] })).toThrow(
      "every workflow must come from defineWorkflow",
    );
  });

  it("refuses to run a workflow it was not created with, before any transaction", async () => {
    const runner = countingRunner(database.prisma);
    const broker = createBroker({ client: runner, workflows: [plain] });
    const sameName = defineWorkflow<object>()("plain", [showIsolation]);
    stepRuns = 0;
    await expect(broker.run(repeatable, {})).rejects.toThrow(
      'The workflow "repeatable" is not registered',
    );
    await expect(broker.run(sameName, {})).rejects.toThrow(
      'The workflow "plain" is not registered',
    );
    expect(runner.started).toBe(0);
    expect(stepRuns).toBe(0);
  });

  it("lists every registered workflow with its steps and resolved options", () => {
    const broker = createBroker({
      client: database.prisma,
      workflows: [plain, repeatable],
      defaults: { maxWait: 750, retry: { baseDelayMs: 5 } },
    });
    expect(broker.listWorkflows()).toEqual([
      {
        name: "plain",
        steps: ["ShowIsolation"],
        options: {
          isolationLevel: "ReadCommitted",
          timeout: 5_000,
          maxWait: 750,
          retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 500 },
        },
      },
      {
        name: "repeatable",
        steps: ["ShowIsolation"],
        options: {
          isolationLevel: "RepeatableRead",
          timeout: 1_234,
          maxWait: 750,
          retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 500 },
        },
      },
    ]);
    // The catalogue is a copy: changing it changes nothing.
    const [first] = broker.listWorkflows();
    if (first) {
      first.options.retry.maxAttempts = 99;
      first.steps.push("Injected");
    }
    expect(broker.listWorkflows()[0]).toMatchObject({
      steps: ["ShowIsolation"],
      options: { retry: { maxAttempts: 3 } },
    });
  });
});

import { setTimeout as abortableSleep } from "node:timers/promises";
import { SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createBroker,
  defineUseCase,
  defineWorkflow,
  WORKFLOW_SPAN_ATTRIBUTES as A,
  WorkflowStepError,
  WorkflowTimeoutError,
} from "../../src/broker/index.js";
import { useTestDatabase } from "../helpers/testDatabases.js";
import {
  descendants,
  nameTree,
  onlySpan,
  spanTree,
  useTestTracing,
  type SpanNode,
} from "../helpers/tracing.js";
import { insertUser, rowCounts, type Context } from "./fixtures.js";

const prepare = defineUseCase({
  name: "Prepare",
  beforeTransaction: true,
  async run(input: { title: string }) {
    return { cleanTitle: input.title.trim() };
  },
});
const createActivity = defineUseCase({
  name: "CreateActivity",
  async run(input: { userId: string; cleanTitle: string }, { tx }: Context) {
    const row = await tx.activity.create({
      data: {
        userId: input.userId,
        type: "run",
        title: input.cleanTitle,
        activityDate: new Date(),
      },
    });
    return { activityId: row.id };
  },
});
const updateStats = defineUseCase({
  name: "UpdateStats",
  async run(input: { userId: string }, { tx, attempt }: Context) {
    await tx.userStats.update({
      where: { userId: input.userId },
      data: { totalActivities: { increment: 1 } },
    });
    if (conflictOnFirstAttempt && attempt === 1) {
      // The shape of Prisma's DriverAdapterError for a serialization failure (40001).
      throw Object.assign(new Error("TransactionWriteConflict"), {
        name: "DriverAdapterError",
        cause: { kind: "TransactionWriteConflict", originalCode: "40001" },
      });
    }
    return { counted: true };
  },
});
const refuses = defineUseCase({
  name: "Refuses",
  async run(): Promise<{ refused: true }> {
    throw new Error("no such thing");
  },
});
const waitsForDeadline = defineUseCase({
  name: "WaitsForDeadline",
  async run(_input: object, { signal }: Context) {
    await abortableSleep(60_000, undefined, { signal });
    return {};
  },
});

let conflictOnFirstAttempt = false;
const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
type Input = { userId: string; title: string };
const committing = defineWorkflow<Input>()("logActivity", [prepare, createActivity, updateStats], {
  isolationLevel: "RepeatableRead",
  retry,
});
const rollingBack = defineWorkflow<Input>()("refused", [prepare, createActivity, refuses]);
const timingOut = defineWorkflow<Input>()("slow", [prepare, createActivity, waitsForDeadline], {
  timeout: 300,
});

const isSql = (node: SpanNode) => node.name === "prisma:client:db_query";
const ours = (name: string) => name.startsWith("workflow ") || name.startsWith("step ");
const outcome = (span: ReadableSpan, key: string = A.outcome) => span.attributes[key];

describe("the broker's spans", () => {
  const database = useTestDatabase("postgres");
  const tracing = useTestTracing();
  const broker = () =>
    createBroker({
      client: database.transactions,
      workflows: [committing, rollingBack, timingOut],
      tracer: tracing.tracer,
    });
  let userId: string;

  beforeEach(async () => {
    conflictOnFirstAttempt = false;
    userId = await insertUser(database.prisma);
    tracing.reset();
  });

  /** Runs `fn` in a span of the test's own, and returns what it settled with and that span. */
  async function inCallerSpan<T>(fn: () => Promise<T>) {
    return tracing.tracer.startActiveSpan("caller", async (caller) => {
      const settled = await fn().then(
        (value) => ({ value, error: undefined }),
        (error: unknown) => ({ value: undefined, error }),
      );
      caller.end();
      return { ...settled, caller };
    });
  }

  it("traces a committed run as run -> attempt -> steps -> SQL, under the caller's span", async () => {
    const { error, caller } = await inCallerSpan(() =>
      broker().run(committing, { userId, title: " Morning run " }),
    );
    expect(error).toBeUndefined();
    const spans = tracing.spans();
    const run = onlySpan(spans, "workflow logActivity");
    expect(run.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(run.spanContext().traceId).toBe(caller.spanContext().traceId);

    const tree = spanTree(spans, run);
    expect(nameTree(tree, ours)).toEqual([
      "workflow logActivity",
      [
        ["step Prepare", []],
        [
          "workflow logActivity attempt",
          [
            ["step CreateActivity", []],
            ["step UpdateStats", []],
          ],
        ],
      ],
    ]);
    expect(run.attributes).toMatchObject({
      [A.workflow]: "logActivity",
      [A.isolationLevel]: "RepeatableRead",
      [A.outcome]: "committed",
      [A.attempts]: 1,
    });
    expect(run.attributes[A.runId]).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.status.code).toBe(SpanStatusCode.OK);

    // Each step in the transaction ran with its span active: its SQL is under it.
    const attempt = tree.children.find((node) => node.name.endsWith("attempt"))!;
    expect(attempt.span.attributes).toMatchObject({ [A.attempt]: 1, [A.outcome]: "committed" });
    expect(attempt.span.events.map((event) => event.name)).toContain("transaction started");
    for (const step of attempt.children.filter((node) => node.name.startsWith("step "))) {
      expect(step.span.attributes).toMatchObject({ [A.stepOutcome]: "succeeded", [A.attempt]: 1 });
      expect(step.span.attributes[A.stepDurationMs]).toBeTypeOf("number");
      const sql = descendants(step).filter(isSql);
      expect(sql.length, step.name).toBeGreaterThan(0);
    }
    const insert = descendants(attempt.children.find((n) => n.name === "step CreateActivity")!)
      .filter(isSql)
      .map((node) => String(node.span.attributes["db.query.text"]));
    expect(insert.some((sql) => sql.startsWith("INSERT INTO"))).toBe(true);
    // The step before the transaction has no SQL of its own.
    expect(descendants(tree.children[0]!).filter(isSql)).toEqual([]);
  });

  it("marks the failing step, its attempt and the run as errors when a step rolls the run back", async () => {
    const { error } = await inCallerSpan(() =>
      broker().run(rollingBack, { userId, title: "Refused" }),
    );
    expect(error).toBeInstanceOf(WorkflowStepError);
    expect(await rowCounts(database.prisma, userId)).toMatchObject({ activities: 0 });
    const spans = tracing.spans();
    const run = onlySpan(spans, "workflow refused");
    expect(nameTree(spanTree(spans, run), ours)).toEqual([
      "workflow refused",
      [
        ["step Prepare", []],
        [
          "workflow refused attempt",
          [
            ["step CreateActivity", []],
            ["step Refuses", []],
          ],
        ],
      ],
    ]);
    const refused = onlySpan(spans, "step Refuses");
    expect(outcome(refused, A.stepOutcome)).toBe("failed");
    expect(refused.status).toMatchObject({ code: SpanStatusCode.ERROR, message: "no such thing" });
    expect(refused.events.map((event) => event.name)).toContain("exception");
    expect(outcome(onlySpan(spans, "step CreateActivity"), A.stepOutcome)).toBe("succeeded");
    expect(outcome(onlySpan(spans, "workflow refused attempt"))).toBe("failed");
    expect(run.attributes).toMatchObject({
      [A.outcome]: "failed",
      [A.errorCode]: "WORKFLOW_STEP_FAILED",
    });
    expect(run.status.code).toBe(SpanStatusCode.ERROR);
    // The rollback is in the trace too.
    expect(spans.map((span) => span.attributes["db.query.text"])).toContain("ROLLBACK");
  });

  it("shows each attempt of a retried run, the write conflict and the retry", async () => {
    conflictOnFirstAttempt = true;
    const { value, error } = await inCallerSpan(() =>
      broker().run(committing, { userId, title: "Twice" }),
    );
    expect(error).toBeUndefined();
    expect(value?.attempts).toBe(2);
    const spans = tracing.spans();
    const run = onlySpan(spans, "workflow logActivity");
    expect(nameTree(spanTree(spans, run), ours)).toEqual([
      "workflow logActivity",
      [
        ["step Prepare", []],
        [
          "workflow logActivity attempt",
          [
            ["step CreateActivity", []],
            ["step UpdateStats", []],
          ],
        ],
        [
          "workflow logActivity attempt",
          [
            ["step CreateActivity", []],
            ["step UpdateStats", []],
          ],
        ],
      ],
    ]);
    const attempts = spans
      .filter((span) => span.name === "workflow logActivity attempt")
      .sort((a, b) => Number(a.attributes[A.attempt]) - Number(b.attributes[A.attempt]));
    expect(attempts.map((span) => [span.attributes[A.attempt], outcome(span)])).toEqual([
      [1, "write-conflict"],
      [2, "committed"],
    ]);
    expect(run.attributes).toMatchObject({ [A.outcome]: "committed", [A.attempts]: 2 });
    const retried = run.events.find((event) => event.name === "retrying after a write conflict");
    expect(retried?.attributes).toMatchObject({ [A.attempt]: 1 });
  });

  it("shows where a timed-out run stopped: the step, its attempt and the deadline", async () => {
    const { error } = await inCallerSpan(() => broker().run(timingOut, { userId, title: "Slow" }));
    expect(error).toBeInstanceOf(WorkflowTimeoutError);
    const spans = tracing.spans();
    const run = onlySpan(spans, "workflow slow");
    expect(nameTree(spanTree(spans, run), ours)).toEqual([
      "workflow slow",
      [
        ["step Prepare", []],
        [
          "workflow slow attempt",
          [
            ["step CreateActivity", []],
            ["step WaitsForDeadline", []],
          ],
        ],
      ],
    ]);
    expect(outcome(onlySpan(spans, "step WaitsForDeadline"), A.stepOutcome)).toBe("timed-out");
    const attempt = onlySpan(spans, "workflow slow attempt");
    expect(outcome(attempt)).toBe("timed-out");
    const deadline = attempt.events.find((event) => event.name === "deadline passed");
    expect(deadline?.attributes).toMatchObject({
      [A.timeoutMs]: 300,
      [A.step]: "WaitsForDeadline",
    });
    expect(run.attributes).toMatchObject({
      [A.outcome]: "timed-out",
      [A.errorCode]: "WORKFLOW_TIMEOUT",
    });
    expect(run.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("makes no spans of its own without a tracer, even with tracing on in the process", async () => {
    const untraced = createBroker({ client: database.transactions, workflows: [committing] });
    await untraced.run(committing, { userId, title: "Quiet" });
    const names = tracing.spans().map((span) => span.name);
    // Prisma's own spans are there (its instrumentation is global); the broker's are not.
    expect(names).toContain("prisma:client:db_query");
    expect(names.filter(ours)).toEqual([]);
  });
});

import pino from "pino";
import { describe, expect, it } from "vitest";
import {
  createBroker,
  defineUseCase,
  defineWorkflow,
  WorkflowStepError,
} from "../../src/broker/index.js";
import { useTestDatabase } from "../helpers/testDatabases.js";
import { captureLogs, insertUser, type Context } from "./fixtures.js";

const SECRETS = ["hunter2", "Bearer abc.def", "tok-123", "tok-999", "pw-1", "s3cr3t", "cookie-1"];

/** Logs things a careless use case might log. */
const signIn = defineUseCase({
  name: "SignIn",
  async run(input: { userId: string; password: string }, { tx, logger }: Context) {
    await tx.$queryRaw`SELECT 1`;
    logger.info(
      {
        input,
        user: { id: input.userId, email: "ada@example.com", passwordHash: "hunter2" },
        request: { headers: { Authorization: "Bearer abc.def", cookie: "cookie-1" } },
        sessions: [{ sessionToken: "tok-123", expiresInMs: 1_000 }],
        client_secret: "s3cr3t",
      },
      "signing in",
    );
    return { signedIn: true };
  },
});
const record = defineUseCase({
  name: "Record",
  async run(input: { userId: string }, { tx }: Context) {
    const row = await tx.notification.create({ data: { userId: input.userId, message: "hi" } });
    return { notificationId: row.id };
  },
});
const refuse = defineUseCase({
  name: "Refuse",
  async run(_input: object) {
    throw Object.assign(new Error("bad login"), {
      token: "tok-999",
      details: { password: "pw-1" },
    });
  },
});
let conflictOnce = true;
const conflicts = defineUseCase({
  name: "Conflicts",
  async run(_input: object, { attempt }: Context) {
    if (conflictOnce && attempt === 1)
      throw Object.assign(new Error("conflict"), { code: "P2034" });
    return {};
  },
});
let seenLevel: string | undefined;
const peek = defineUseCase({
  name: "Peek",
  async run(_input: object, { logger }: Context) {
    seenLevel = logger.level;
    return {};
  },
});

const signInWorkflow = defineWorkflow<{ userId: string; password: string }>()("signIn", [
  signIn,
  record,
]);
const refuseWorkflow = defineWorkflow<{ userId: string; password: string }>()("refuse", [
  signIn,
  refuse,
]);
const conflictWorkflow = defineWorkflow<object>()("conflict", [conflicts], {
  retry: { baseDelayMs: 30, maxDelayMs: 30 },
});
const peekWorkflow = defineWorkflow<object>()("peek", [peek]);
const workflows = [signInWorkflow, refuseWorkflow, conflictWorkflow, peekWorkflow];

describe("the broker's logs", () => {
  const database = useTestDatabase("postgres");

  it("logs each step and the run with workflow, step, attempt, outcome and durationMs", async () => {
    const userId = await insertUser(database.prisma);
    const logs = captureLogs("debug");
    const broker = createBroker({ client: database.prisma, workflows, logger: logs.logger });
    const run = await broker.run(signInWorkflow, { userId, password: "hunter2" });

    const steps = logs.lines.filter((line) => line.msg === "step succeeded");
    expect(steps).toEqual([
      expect.objectContaining({
        workflow: "signIn",
        step: "SignIn",
        attempt: 1,
        outcome: "succeeded",
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({
        workflow: "signIn",
        step: "Record",
        attempt: 1,
        outcome: "succeeded",
        durationMs: expect.any(Number),
      }),
    ]);
    const [finished] = logs.lines.filter((line) => line.msg === "workflow committed");
    expect(finished).toMatchObject({
      level: 30,
      workflow: "signIn",
      outcome: "committed",
      attempts: 1,
      durationMs: expect.any(Number),
    });
    // Every line of the run shares its run id.
    const runIds = new Set(logs.lines.map((line) => line.runId));
    expect(runIds.size).toBe(1);
    expect([...runIds][0]).toEqual(expect.any(String));
    // The run reports the same step timings it logged.
    expect(run.steps.map((step) => step.durationMs)).toEqual(steps.map((line) => line.durationMs));
  });

  it("redacts secrets at any depth in what use cases log", async () => {
    const userId = await insertUser(database.prisma);
    const logs = captureLogs("info");
    const broker = createBroker({ client: database.prisma, workflows, logger: logs.logger });
    await broker.run(signInWorkflow, { userId, password: "hunter2" });

    for (const secret of SECRETS.slice(0, 3).concat("s3cr3t", "cookie-1")) {
      expect(logs.text()).not.toContain(secret);
    }
    const [line] = logs.lines.filter((entry) => entry.msg === "signing in");
    expect(line).toMatchObject({
      workflow: "signIn",
      step: "SignIn",
      attempt: 1,
      input: { userId, password: "[Redacted]" },
      user: { id: userId, email: "ada@example.com", passwordHash: "[Redacted]" },
      request: { headers: { Authorization: "[Redacted]", cookie: "[Redacted]" } },
      sessions: [{ sessionToken: "[Redacted]", expiresInMs: 1_000 }],
      client_secret: "[Redacted]",
    });
  });

  it("logs a failed step and run with their error, secrets redacted", async () => {
    const userId = await insertUser(database.prisma);
    const logs = captureLogs("debug");
    const broker = createBroker({ client: database.prisma, workflows, logger: logs.logger });
    await expect(broker.run(refuseWorkflow, { userId, password: "hunter2" })).rejects.toThrow(
      WorkflowStepError,
    );

    for (const secret of SECRETS) expect(logs.text()).not.toContain(secret);
    const [stepLine] = logs.lines.filter((line) => line.msg === "step failed");
    expect(stepLine).toMatchObject({
      step: "Refuse",
      outcome: "failed",
      durationMs: expect.any(Number),
      err: { message: "bad login", token: "[Redacted]", details: { password: "[Redacted]" } },
    });
    const [runLine] = logs.lines.filter((line) => line.msg === "workflow failed");
    expect(runLine).toMatchObject({
      level: 40,
      workflow: "refuse",
      outcome: "failed",
      attempts: 1,
      durationMs: expect.any(Number),
      err: { type: "WorkflowStepError", code: "WORKFLOW_STEP_FAILED", step: "Refuse" },
    });
  });

  it("logs a write conflict with the back-off before the retry", async () => {
    const logs = captureLogs("info");
    const broker = createBroker({ client: database.prisma, workflows, logger: logs.logger });
    conflictOnce = true;
    const run = await broker.run(conflictWorkflow, {});
    expect(run.attempts).toBe(2);
    expect(logs.lines.map((line) => [line.msg, line.attempt, line.outcome])).toEqual([
      ["write conflict: retrying", 1, "write-conflict"],
      ["workflow committed", 2, "committed"],
    ]);
    const [retry] = logs.lines;
    expect(retry?.delayMs).toBeGreaterThanOrEqual(0);
    expect(retry?.delayMs).toBeLessThan(30);
  });

  it("keeps the given logger's own log formatter, after the redaction", async () => {
    const raw: string[] = [];
    const logger = pino(
      { level: "info", formatters: { log: (object) => ({ ...object, service: "activelog" }) } },
      { write: (line: string) => void raw.push(line) },
    );
    const userId = await insertUser(database.prisma);
    const broker = createBroker({ client: database.prisma, workflows, logger });
    await broker.run(signInWorkflow, { userId, password: "hunter2" });
    const lines = raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.service).toBe("activelog");
    expect(raw.join("")).not.toContain("hunter2");
  });

  it("gives use cases a silent logger when the broker has none", async () => {
    const broker = createBroker({ client: database.prisma, workflows });
    seenLevel = undefined;
    await broker.run(peekWorkflow, {});
    expect(seenLevel).toBe("silent");
  });
});

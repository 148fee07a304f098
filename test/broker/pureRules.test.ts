/**
 * The broker's pure rules, without a database: back-off, conflict classification,
 * secret redaction.
 */
import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../../src/broker/backoff.js";
import {
  TransactionStartTimeoutError,
  WorkflowStepError,
  WorkflowTimeoutError,
} from "../../src/broker/index.js";
import { isSecretKey, redactSecrets } from "../../src/support/redactSecrets.js";
import { findWriteConflict, retryableConflict } from "../../src/broker/writeConflict.js";

describe("backoffDelayMs", () => {
  const policy = { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 500 };

  it("doubles the ceiling with every failed attempt, up to maxDelayMs", () => {
    const almostOne = () => 0.999_999;
    expect(
      [1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelayMs(policy, attempt, almostOne)),
    ).toEqual([19, 39, 79, 159, 319, 499, 499]);
  });

  it("draws the whole delay at random (full jitter), from zero", () => {
    expect(backoffDelayMs(policy, 4, () => 0)).toBe(0);
    expect(backoffDelayMs(policy, 4, () => 0.5)).toBe(80);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(policy, 3);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(80);
    }
  });
});

describe("findWriteConflict", () => {
  const p2034 = Object.assign(
    new Error("Transaction failed due to a write conflict or a deadlock"),
    {
      code: "P2034",
    },
  );
  const adapterError = Object.assign(new Error("TransactionWriteConflict"), {
    name: "DriverAdapterError",
    cause: { kind: "TransactionWriteConflict", originalCode: "40001" },
  });
  const withMeta = Object.assign(new Error("Raw query failed"), {
    code: "P2010",
    meta: {
      driverAdapterError: { cause: { kind: "TransactionWriteConflict", originalCode: "40P01" } },
    },
  });
  const pgDeadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });
  const inStep = new WorkflowStepError({
    workflow: "w",
    step: "s",
    attempt: 1,
    cause: new Error("wrapped", { cause: pgDeadlock }),
  });

  it.each([
    ["Prisma's P2034", p2034, p2034],
    ["a DriverAdapterError of kind TransactionWriteConflict", adapterError, adapterError.cause],
    ["a conflict under meta.driverAdapterError", withMeta, withMeta.meta.driverAdapterError.cause],
    ["SQLSTATE 40P01 deep in a cause chain", inStep, pgDeadlock],
    ["SQLSTATE 40001 as originalCode", { originalCode: "40001" }, { originalCode: "40001" }],
  ])("finds %s", (_label, error, conflict) => {
    expect(findWriteConflict(error)).toEqual(conflict);
  });

  it.each([
    ["a unique constraint violation", Object.assign(new Error("Unique"), { code: "P2002" })],
    ["a transaction start timeout", Object.assign(new Error("Unable to start"), { code: "P2028" })],
    ["a plain error", new Error("nope")],
    ["a string", "40001 in a message is not a code"],
    ["undefined", undefined],
    [
      "another kind of adapter error",
      { name: "DriverAdapterError", cause: { kind: "UniqueConstraintViolation" } },
    ],
  ])("does not take %s for a conflict", (_label, error) => {
    expect(findWriteConflict(error)).toBeUndefined();
  });

  it("stops on a cyclic cause chain", () => {
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(findWriteConflict(a)).toBeUndefined();
  });
});

describe("retryableConflict", () => {
  const conflict = Object.assign(new Error("write conflict"), { code: "P2034" });

  it("retries on what a step threw when it carries a conflict", () => {
    const error = new WorkflowStepError({ workflow: "w", step: "s", attempt: 1, cause: conflict });
    expect(retryableConflict(error)).toBe(conflict);
  });

  it("retries on the database's own error at commit when it is a conflict", () => {
    expect(retryableConflict(conflict)).toBe(conflict);
  });

  it("never retries a timeout, a start timeout or a step's ordinary failure", () => {
    const timeout = new WorkflowTimeoutError({
      workflow: "w",
      step: "s",
      timeoutMs: 1,
      cause: conflict,
    });
    const start = new TransactionStartTimeoutError({
      workflow: "w",
      maxWaitMs: 1,
      cause: conflict,
    });
    const failed = new WorkflowStepError({
      workflow: "w",
      step: "s",
      attempt: 1,
      cause: new Error("no"),
    });
    expect([timeout, start, failed, new Error("no")].map(retryableConflict)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("redactSecrets", () => {
  it.each([
    "password",
    "passwordHash",
    "sessionToken",
    "token_hash",
    "Authorization",
    "clientSecret",
    "apiKey",
    "set-cookie",
  ])("treats %s as a secret", (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(["email", "userId", "title", "durationMs", "workflow"])("keeps %s", (key) => {
    expect(isSecretKey(key)).toBe(false);
  });

  it("replaces secrets at any depth, in arrays too, and leaves the original alone", () => {
    const original = {
      a: { b: { c: { d: { password: "p" } } } },
      list: [{ token: "t" }, "plain"],
      when: new Date(0),
    };
    expect(redactSecrets(original)).toEqual({
      a: { b: { c: { d: { password: "[Redacted]" } } } },
      list: [{ token: "[Redacted]" }, "plain"],
      when: new Date(0),
    });
    expect(original.a.b.c.d.password).toBe("p");
  });

  it("copies errors with their type, redacting their properties and causes", () => {
    const cause = Object.assign(new Error("inner"), { secret: "x" });
    const error = Object.assign(new TypeError("outer", { cause }), { authorization: "Bearer y" });
    const redacted = redactSecrets(error);
    expect(redacted).toBeInstanceOf(TypeError);
    expect(redacted.message).toBe("outer");
    expect(redacted).toMatchObject({ authorization: "[Redacted]" });
    expect(redacted.cause).toMatchObject({ message: "inner", secret: "[Redacted]" });
    expect(error.authorization).toBe("Bearer y");
  });

  it("cuts cycles", () => {
    const node: Record<string, unknown> = { name: "n" };
    node.self = node;
    expect(redactSecrets(node)).toEqual({ name: "n", self: "[Circular]" });
  });
});

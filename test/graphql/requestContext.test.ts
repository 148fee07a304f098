/**
 * The request context looks the viewer up once per request: `me` (viewerAccount) finds the
 * viewer and their account in one lookup when it comes first, and reads the account on its
 * own when another field found the viewer first. The lookups here are functions that count
 * their calls; test/accounts/me.test.ts runs the real ones over HTTP.
 */
import { describe, expect, it } from "vitest";
import type { Logger } from "pino";
import type { Broker } from "../../src/broker/index.js";
import type { TransactionClient } from "../../src/db/index.js";
import {
  createRequestContext,
  type SessionLookup,
  type ViewerAccount,
} from "../../src/graphql/index.js";

const account: ViewerAccount = {
  id: "user-1",
  email: "runner@example.com",
  createdAt: new Date("2026-01-01T00:00:00Z"),
  activityNotifications: true,
};

function contextWith(authorization: string | undefined) {
  const calls = { lookUps: [] as string[], accountReads: 0, made: [] as string[] };
  const lookUpSession = ((token: string, include?: { account: true }) => {
    calls.lookUps.push(include?.account ? "with account" : "viewer only");
    const viewer = { userId: account.id, sessionId: `session of ${token}` };
    return Promise.resolve(include?.account ? { ...viewer, account } : viewer);
  }) as SessionLookup;
  const context = createRequestContext(
    {
      broker: {} as Broker<TransactionClient>,
      idempotencyKey: undefined,
      request: {},
      logger: () => (calls.made.push("logger"), {} as Logger),
      clientAddress: () => (calls.made.push("clientAddress"), "127.0.0.1"),
      signal: () => (calls.made.push("signal"), new AbortController().signal),
      account: () => {
        calls.accountReads += 1;
        return Promise.resolve(account);
      },
    },
    authorization,
    lookUpSession,
    { feature: "services" },
  );
  return { context, calls };
}

const TOKEN = `Bearer ${"t".repeat(43)}`;

describe("the request context", () => {
  it("finds the viewer with the account in one lookup when me comes first", async () => {
    const { context, calls } = contextWith(TOKEN);
    expect(await context.viewerAccount()).toEqual(account);
    expect(await context.viewer()).toMatchObject({
      userId: account.id,
      sessionId: expect.any(String),
    });
    expect(await context.requireViewer()).toMatchObject({ userId: account.id });
    expect(calls).toMatchObject({ lookUps: ["with account"], accountReads: 0 });
  });

  it("reads the account on its own when the viewer was found first", async () => {
    const { context, calls } = contextWith(TOKEN);
    await context.requireViewer();
    expect(await context.viewerAccount()).toEqual(account);
    expect(await context.viewerAccount()).toEqual(account);
    expect(calls).toMatchObject({ lookUps: ["viewer only"], accountReads: 1 });
  });

  it("looks nothing up without a bearer token", async () => {
    const { context, calls } = contextWith(undefined);
    expect(await context.viewerAccount()).toBeNull();
    expect(await context.viewer()).toBeNull();
    await expect(context.requireViewer()).rejects.toThrow(/sign in|Authorization|authenticated/i);
    expect(calls).toMatchObject({ lookUps: [], accountReads: 0 });
  });

  it("makes the logger, the client's address and the signal only when read, once", () => {
    const { context, calls } = contextWith(TOKEN);
    expect(calls.made).toEqual([]);
    expect(context.signal).toBe(context.signal);
    expect(context.clientAddress).toBe("127.0.0.1");
    expect(context.logger).toBe(context.logger);
    expect(calls.made).toEqual(["signal", "clientAddress", "logger"]);
    expect((context as unknown as { feature: string }).feature).toBe("services");
  });

  it("keeps working on a shallow copy, as Apollo Server makes one per operation", async () => {
    const { context, calls } = contextWith(TOKEN);
    const copy = Object.assign(Object.create(Object.getPrototypeOf(context) as object), context);
    expect(await copy.viewerAccount()).toEqual(account);
    expect(await context.viewer()).toMatchObject({ userId: account.id });
    expect(copy.signal).toBe(context.signal);
    expect(calls.lookUps).toEqual(["with account"]);
  });
});

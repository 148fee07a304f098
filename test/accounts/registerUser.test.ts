import { describe, expect, it } from "vitest";
import { errorCode, graphql, LOGIN, REGISTER_USER } from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";

describe("registerUser", () => {
  const api = useTestServer();

  async function countRows() {
    const { prisma } = api.database;
    return {
      users: await prisma.user.count(),
      stats: await prisma.userStats.count(),
      outbox: await prisma.outboxMessage.count(),
      sessions: await prisma.session.count(),
    };
  }

  it("creates the user, their stats, a queued welcome e-mail and a session in one workflow", async () => {
    const response = await graphql<{ registerUser: Record<string, unknown> }>(
      api.graphqlUrl,
      REGISTER_USER,
      {
        input: { email: "  Ada.Lovelace@Example.COM ", password: "analytical engine" },
      },
    );
    expect(response.errors).toBeUndefined();
    const payload = response.data!.registerUser;
    expect(payload).toMatchObject({ email: "ada.lovelace@example.com", welcomeEmailQueued: true });
    expect(payload.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const { prisma } = api.database;
    const user = await prisma.user.findUniqueOrThrow({
      where: { id: payload.userId as string },
      include: { stats: true, sessions: true },
    });
    expect(user.email).toBe("ada.lovelace@example.com");
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(user.passwordHash).not.toContain("analytical engine");
    expect(user.stats?.totalActivities).toBe(0);
    expect(user.sessions).toHaveLength(1);
    expect(user.sessions[0]!.tokenHash).not.toBe(payload.sessionToken);
    expect(user.sessions[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const outbox = await prisma.outboxMessage.findMany({
      where: { payload: { path: ["userId"], equals: user.id } },
    });
    expect(outbox).toEqual([
      expect.objectContaining({
        topic: "user.welcome-email",
        dispatchedAt: null,
        payload: { userId: user.id, email: user.email },
      }),
    ]);
  });

  it("rejects an e-mail that is taken, in any letter case, with EMAIL_TAKEN and writes nothing", async () => {
    await graphql(api.graphqlUrl, REGISTER_USER, {
      input: { email: "grace@example.com", password: "compilers are fun" },
    });
    const before = await countRows();
    const response = await graphql(api.graphqlUrl, REGISTER_USER, {
      input: { email: "GRACE@example.com", password: "another password" },
    });
    expect(errorCode(response)).toBe("EMAIL_TAKEN");
    expect(response.errors![0]!.extensions).toMatchObject({
      workflow: "registerUser",
      step: "CreateUser",
    });
    expect(await countRows()).toEqual(before);
  });

  it("lets exactly one of two concurrent registrations of one e-mail succeed; the other gets EMAIL_TAKEN", async () => {
    const before = await countRows();
    const responses = await Promise.all(
      ["Race@example.com", "race@EXAMPLE.com"].map((email) =>
        graphql(api.graphqlUrl, REGISTER_USER, { input: { email, password: "first one wins" } }),
      ),
    );
    expect(responses.map(errorCode).sort()).toEqual(["EMAIL_TAKEN", undefined]);
    const after = await countRows();
    expect(after).toEqual({
      users: before.users + 1,
      stats: before.stats + 1,
      outbox: before.outbox + 1,
      sessions: before.sessions + 1,
    });
  });

  it.each([
    [
      "a malformed e-mail",
      { email: "not-an-email", password: "long enough password" },
      "email",
      "Enter a valid e-mail address, like name@example.com.",
    ],
    [
      "an empty e-mail",
      { email: "", password: "long enough password" },
      "email",
      "Enter a valid e-mail address, like name@example.com.",
    ],
    [
      "a password shorter than 10 characters",
      { email: "short@example.com", password: "123456789" },
      "password",
      "Password must be at least 10 characters.",
    ],
  ])(
    "rejects %s with BAD_USER_INPUT naming the field and writes nothing",
    async (_, input, field, message) => {
      const before = await countRows();
      const response = await graphql(api.graphqlUrl, REGISTER_USER, { input });
      expect(errorCode(response)).toBe("BAD_USER_INPUT");
      expect(response.errors![0]!.extensions!.field).toBe(field);
      expect(response.errors![0]!.message).toBe(message);
      expect(await countRows()).toEqual(before);
    },
  );

  it("opens a session that login can open again with the same password", async () => {
    await graphql(api.graphqlUrl, REGISTER_USER, {
      input: { email: "linus@example.com", password: "penguins rule" },
    });
    const response = await graphql<{ login: { userId: string } }>(api.graphqlUrl, LOGIN, {
      input: { email: "Linus@Example.com", password: "penguins rule" },
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!.login.userId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

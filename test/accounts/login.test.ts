import { beforeAll, describe, expect, it } from "vitest";
import {
  CREATE_ACTIVITY,
  errorCode,
  graphql,
  LOGIN,
  LOGOUT,
  ME,
  registerUser,
  type RegisteredUser,
} from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";

describe("login", () => {
  const api = useTestServer();
  let user: RegisteredUser;

  beforeAll(async () => {
    user = await registerUser(api.graphqlUrl);
  });

  it("opens a new session whose token identifies the user", async () => {
    const before = await api.database.prisma.session.count({ where: { userId: user.userId } });
    const response = await graphql<{ login: { userId: string; sessionToken: string } }>(
      api.graphqlUrl,
      LOGIN,
      {
        input: { email: user.email, password: user.password },
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.login.userId).toBe(user.userId);
    expect(response.data!.login.sessionToken).not.toBe(user.sessionToken);
    expect(await api.database.prisma.session.count({ where: { userId: user.userId } })).toBe(
      before + 1,
    );

    const me = await graphql<{ me: { id: string } }>(
      api.graphqlUrl,
      ME,
      {},
      { token: response.data!.login.sessionToken },
    );
    expect(me.data!.me.id).toBe(user.userId);
  });

  it("answers a wrong password and an unknown e-mail with the same INVALID_CREDENTIALS and opens no session", async () => {
    const sessionsBefore = await api.database.prisma.session.count();
    const wrongPassword = await graphql(api.graphqlUrl, LOGIN, {
      input: { email: user.email, password: "not the password" },
    });
    const unknownEmail = await graphql(api.graphqlUrl, LOGIN, {
      input: { email: "nobody@example.com", password: user.password },
    });
    expect(errorCode(wrongPassword)).toBe("INVALID_CREDENTIALS");
    expect(errorCode(unknownEmail)).toBe("INVALID_CREDENTIALS");
    expect(wrongPassword.errors![0]!.message).toBe(unknownEmail.errors![0]!.message);
    expect(wrongPassword.data).toBeNull();
    expect(await api.database.prisma.session.count()).toBe(sessionsBefore);
  });

  it("rejects an empty password with BAD_USER_INPUT before any workflow runs", async () => {
    const response = await graphql(api.graphqlUrl, LOGIN, {
      input: { email: user.email, password: "" },
    });
    expect(errorCode(response)).toBe("BAD_USER_INPUT");
    expect(response.errors![0]!.extensions!.field).toBe("password");
  });

  it("logout revokes only the session it was called with", async () => {
    const runner = await registerUser(api.graphqlUrl);
    const second = await graphql<{ login: { sessionToken: string } }>(api.graphqlUrl, LOGIN, {
      input: { email: runner.email, password: runner.password },
    });
    const otherToken = second.data!.login.sessionToken;

    const loggedOut = await graphql(api.graphqlUrl, LOGOUT, {}, { token: runner.sessionToken });
    expect(loggedOut.errors).toBeUndefined();
    expect(loggedOut.data).toEqual({ logout: { sessionRevoked: true } });

    const afterLogout = await graphql(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input: { type: "run", title: "Too late" } },
      { token: runner.sessionToken },
    );
    expect(errorCode(afterLogout)).toBe("UNAUTHENTICATED");
    expect(await graphql(api.graphqlUrl, ME, {}, { token: runner.sessionToken })).toMatchObject({
      data: { me: null },
    });
    expect(
      errorCode(await graphql(api.graphqlUrl, LOGOUT, {}, { token: runner.sessionToken })),
    ).toBe("UNAUTHENTICATED");

    const stillIn = await graphql<{ me: { id: string } }>(
      api.graphqlUrl,
      ME,
      {},
      { token: otherToken },
    );
    expect(stillIn.data!.me.id).toBe(runner.userId);
    expect(await api.database.prisma.activity.count({ where: { userId: runner.userId } })).toBe(0);
  });

  it("logout without a session fails with UNAUTHENTICATED", async () => {
    expect(errorCode(await graphql(api.graphqlUrl, LOGOUT))).toBe("UNAUTHENTICATED");
  });
});

/**
 * `me`: the signed-in user's account, found with the session in one statement when it is
 * the request's first look at the viewer, or read on its own when another field of the
 * request looked the viewer up first. Either way the same answer, and null for a token
 * that no longer opens a session.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken } from "../../src/accounts/sessions.js";
import { graphql, registerUser, type RegisteredUser } from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";

const ME_WITH_SETTINGS = /* GraphQL */ `
  query {
    me {
      id
      email
      createdAt
      settings {
        activityNotifications
      }
    }
  }
`;
/** `activities` asks for the viewer before `me` does (fields resolve in order). */
const ACTIVITIES_THEN_ME = /* GraphQL */ `
  query {
    activities(first: 1) {
      edges {
        node {
          id
        }
      }
    }
    me {
      id
      email
      createdAt
      settings {
        activityNotifications
      }
    }
  }
`;

describe("me", () => {
  const api = useTestServer();
  let user: RegisteredUser;
  let expected: object;

  beforeAll(async () => {
    user = await registerUser(api.graphqlUrl);
    const row = await api.database.prisma.user.findUniqueOrThrow({ where: { id: user.userId } });
    expected = {
      id: user.userId,
      email: user.email,
      createdAt: row.createdAt.toISOString(),
      settings: { activityNotifications: true },
    };
  });

  it("answers the account, settings included", async () => {
    const response = await graphql(
      api.graphqlUrl,
      ME_WITH_SETTINGS,
      {},
      { token: user.sessionToken },
    );
    expect(response).toMatchObject({ status: 200, data: { me: expected } });
    expect(response.errors).toBeUndefined();
  });

  it("answers the same when another field looked the viewer up first", async () => {
    const response = await graphql<{ me: unknown }>(
      api.graphqlUrl,
      ACTIVITIES_THEN_ME,
      {},
      { token: user.sessionToken },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.me).toEqual(expected);
  });

  it("answers null without a token, and for an expired or a revoked session", async () => {
    expect(await graphql(api.graphqlUrl, ME_WITH_SETTINGS)).toMatchObject({ data: { me: null } });
    for (const change of [{ expiresAt: new Date(Date.now() - 1000) }, { revokedAt: new Date() }]) {
      const other = await registerUser(api.graphqlUrl);
      await api.database.prisma.session.update({
        where: { tokenHash: hashSessionToken(other.sessionToken) },
        data: change,
      });
      const response = await graphql(
        api.graphqlUrl,
        ME_WITH_SETTINGS,
        {},
        { token: other.sessionToken },
      );
      expect(response).toMatchObject({ data: { me: null } });
      expect(response.errors).toBeUndefined();
    }
  });
});

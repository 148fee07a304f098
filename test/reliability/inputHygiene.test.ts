/**
 * Input that PostgreSQL cannot store or a person cannot see is BAD_USER_INPUT, field by
 * field, before any transaction; e-mails are one account however they are written;
 * cursors and dates are checked. Over real HTTP, writing nothing for bad input.
 */
import { describe, expect, it } from "vitest";
import {
  ACTIVITIES,
  CREATE_ACTIVITY,
  errorCode,
  graphql,
  LOGIN,
  REGISTER_USER,
  registerUser,
} from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";

const validActivity = { type: "run", title: "Morning run", description: "Easy pace." };

describe("input hygiene", () => {
  const api = useTestServer({ kind: "postgres" });
  const rows = async () => ({
    activities: await api.database.prisma.activity.count(),
    users: await api.database.prisma.user.count(),
  });

  it.each([
    [
      "a NUL byte in the title",
      { title: "a\u0000b" },
      "title",
      "Title can't contain line breaks or control characters.",
    ],
    [
      "a NUL byte in the type",
      { type: "run\u0000" },
      "type",
      "Type can't contain line breaks or control characters.",
    ],
    [
      "a NUL byte in the description",
      { description: "x\u0000" },
      "description",
      "Description can't contain control characters.",
    ],
    [
      "a lone surrogate in the title",
      { title: "a\ud800b" },
      "title",
      "Title contains an invalid character (a broken Unicode sequence).",
    ],
    [
      "a title of zero-width spaces",
      { title: "\u200b\u200b\ufeff" },
      "title",
      "Title can't be empty.",
    ],
    [
      "a line break in the title",
      { title: "two\nlines" },
      "title",
      "Title can't contain line breaks or control characters.",
    ],
    [
      "a date before 1900",
      { activityDate: "1899-12-31T00:00:00Z" },
      "activityDate",
      "Date must be between 1900 and tomorrow.",
    ],
    [
      "a date after tomorrow",
      { activityDate: "2999-01-01T00:00:00Z" },
      "activityDate",
      "Date must be between 1900 and tomorrow.",
    ],
    [
      "a duration of 1.5",
      { durationMinutes: 1.5 },
      "durationMinutes",
      "Duration must be a whole number.",
    ],
    ["a distance that is text", { distanceKm: "far" }, "distanceKm", "Distance must be a number."],
    [
      "a duration past Int",
      { durationMinutes: 2 ** 40 },
      "durationMinutes",
      "Duration is too large.",
    ],
  ])(
    "refuses %s with its own sentence at its field, writing nothing",
    async (_label, override, field, message) => {
      const user = await registerUser(api.graphqlUrl);
      const before = await rows();
      const response = await graphql(
        api.graphqlUrl,
        CREATE_ACTIVITY,
        { input: { ...validActivity, ...override } },
        { token: user.sessionToken },
      );
      expect(errorCode(response)).toBe("BAD_USER_INPUT");
      expect(response.errors![0]!.extensions).toMatchObject({
        field,
        fields: [{ field, messages: [message] }],
      });
      expect(await rows()).toEqual(before);
    },
  );

  it("lists every invalid field at once, each with its own sentence", async () => {
    const user = await registerUser(api.graphqlUrl);
    const response = await graphql(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input: { type: "", title: "\u0000", distanceKm: -1 } },
      { token: user.sessionToken },
    );
    expect(response.errors![0]!.extensions!.fields).toEqual([
      { field: "type", messages: ["Type can't be empty."] },
      { field: "title", messages: ["Title can't contain line breaks or control characters."] },
      { field: "distanceKm", messages: ["Distance can't be negative."] },
    ]);
    expect(response.errors![0]!.message).toBe(
      "Type can't be empty. Title can't contain line breaks or control characters. Distance can't be negative.",
    );
  });

  it("makes one account of an e-mail written composed or decomposed, and of a domain and its punycode", async () => {
    const password = "long enough password";
    const register = (email: string) =>
      graphql<{ registerUser: { email: string } }>(api.graphqlUrl, REGISTER_USER, {
        input: { email, password },
      });
    const composed = await register("jos\u00e9@b\u00fccher.example");
    expect(composed.data?.registerUser.email).toBe("jos\u00e9@xn--bcher-kva.example");
    expect(errorCode(await register("jose\u0301@B\u00dcCHER.example"))).toBe("EMAIL_TAKEN");
    expect(errorCode(await register("JOS\u00c9@xn--bcher-kva.example"))).toBe("EMAIL_TAKEN");
    const login = await graphql(api.graphqlUrl, LOGIN, {
      input: { email: " jose\u0301@bu\u0308cher.example ", password },
    });
    expect(login.errors).toBeUndefined();
  });

  it.each([
    ['"quoted local"@example.com'],
    ["ada@127.0.0.1"],
    ["ada@localhost"],
    ["ada\u0000@example.com"],
    ["a\ud800@example.com"],
  ])("refuses the e-mail %j at registration, so no welcome e-mail waits on it", async (email) => {
    const before = await rows();
    const response = await graphql(api.graphqlUrl, REGISTER_USER, {
      input: { email, password: "long enough password" },
    });
    expect(errorCode(response)).toBe("BAD_USER_INPUT");
    expect(response.errors![0]!.extensions!.field).toBe("email");
    expect(await rows()).toEqual(before);
  });

  it("answers a sign-in with an e-mail the database could not even store like any unknown one", async () => {
    const response = await graphql(api.graphqlUrl, LOGIN, {
      input: { email: "\u0000", password: "long enough password" },
    });
    expect(errorCode(response)).toBe("INVALID_CREDENTIALS");
  });

  it.each([
    ["not base64 JSON", "!!!"],
    ["JSON of another shape", Buffer.from('{"a":1}').toString("base64url")],
    [
      "an id that is not a UUID",
      Buffer.from('["2026-01-01T00:00:00.000Z","------------------------------------"]').toString(
        "base64url",
      ),
    ],
    [
      "a date out of range",
      Buffer.from(
        '["-271821-04-20T00:00:00.000Z","2b4a4f0e-0000-4000-8000-000000000000"]',
      ).toString("base64url"),
    ],
    [
      "a date that is not ISO",
      Buffer.from('["Jan 1 2026","2b4a4f0e-0000-4000-8000-000000000000"]').toString("base64url"),
    ],
  ])("refuses a cursor that is %s with BAD_USER_INPUT", async (_label, after) => {
    const user = await registerUser(api.graphqlUrl);
    const response = await graphql(
      api.graphqlUrl,
      ACTIVITIES,
      { first: 5, after },
      { token: user.sessionToken },
    );
    expect(errorCode(response)).toBe("BAD_USER_INPUT");
    expect(response.errors![0]!.extensions!.field).toBe("after");
  });
});

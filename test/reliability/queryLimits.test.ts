/**
 * Cost limits on GraphQL documents, checked before any validation or execution, over real
 * HTTP. Each limit is refused with GRAPHQL_VALIDATION_FAILED naming it; nothing runs.
 */
import { request as httpRequest } from "node:http";
import { getIntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { errorCode, graphql, registerUser } from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";

const repeat = (times: number, text: string) => Array.from({ length: times }, () => text).join(" ");

/** GET /healthz, resolving with how long it took (ms). */
function healthz(url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    httpRequest(`${url}/healthz`, (response) => {
      response.resume();
      response.once("end", () => resolve(performance.now() - started));
    })
      .once("error", reject)
      .end();
  });
}

describe("query limits (defaults)", () => {
  const api = useTestServer({ kind: "postgres" });

  it("refuses an 84 kB query of 12,000 `me { id }` in its parse, naming the token limit", async () => {
    const query = `{ ${repeat(12_000, "me{id}")} }`;
    expect(query.length).toBeGreaterThan(84_000);
    const response = await graphql(api.graphqlUrl, query);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(response.errors![0]).toMatchObject({
      message: "The query has more than 1000 tokens, the limit.",
      extensions: { limit: "maxTokens", max: 1000 },
    });
  });

  it("keeps /healthz answering while 20 such queries arrive at once", async () => {
    const query = `{ ${repeat(12_000, "me{id}")} }`;
    const floods = Array.from({ length: 20 }, () => graphql(api.graphqlUrl, query));
    // Before the limits, /healthz waited 7-38 s behind these; 2 s is many times its usual
    // few milliseconds on a busy machine.
    const waited = await healthz(api.url);
    const responses = await Promise.all(floods);
    expect(waited).toBeLessThan(2_000);
    expect(responses.map(errorCode)).toEqual(Array(20).fill("GRAPHQL_VALIDATION_FAILED"));
  });

  it.each([
    [
      "too many fields",
      `{ ${repeat(101, "me { id }")} }`,
      "maxFields",
      /selects \d+ fields; the limit is 200/,
    ],
    [
      "nesting too deep",
      `{ ${deep(12)} }`,
      "maxDepth",
      /nests selections 12 levels deep; the limit is 10/,
    ],
    [
      "too many aliases",
      `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(" ")} }`,
      "maxAliases",
      /has 16 aliases; the limit is 15/,
    ],
    [
      "too many directives",
      `{ me ${repeat(21, "@include(if: true)")} { id } }`,
      "maxDirectives",
      /has 21 directives; the limit is 20/,
    ],
  ])("refuses a query with %s, naming the limit", async (_label, query, limit, message) => {
    const response = await graphql(api.graphqlUrl, query);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(response.errors![0]!.extensions).toMatchObject({ limit });
    expect(response.errors![0]!.message).toMatch(message);
  });

  it("runs no workflow of a request with more than 5 mutation fields", async () => {
    const user = await registerUser(api.graphqlUrl);
    const mutations = Array.from(
      { length: 6 },
      (_, i) => `a${i}: createActivity(input: { type: "run", title: "t${i}" }) { activityId }`,
    );
    const response = await graphql(
      api.graphqlUrl,
      `mutation { ${mutations.join(" ")} }`,
      {},
      { token: user.sessionToken },
    );
    expect(response.status).toBe(400);
    expect(response.errors![0]).toMatchObject({
      message: expect.stringMatching(/at most 5 mutation fields; this one has 6/) as string,
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", limit: "maxMutationFields", max: 5 },
    });
    expect(await api.database.prisma.activity.count({ where: { userId: user.userId } })).toBe(0);
  });

  it("counts mutation fields through fragments, and refuses 50 sign-ups in one request", async () => {
    const signUps = Array.from(
      { length: 50 },
      (_, i) =>
        `r${i}: registerUser(input: { email: "bulk${i}@example.com", password: "long enough password" }) { userId }`,
    );
    const response = await graphql(
      api.graphqlUrl,
      `mutation { ...SignUps } fragment SignUps on Mutation { ${signUps.join(" ")} }`,
    );
    expect(response.status).toBe(400);
    expect(response.errors![0]!.extensions).toMatchObject({ limit: expect.any(String) as string });
    expect(await api.database.prisma.user.count({ where: { email: { startsWith: "bulk" } } })).toBe(
      0,
    );
  });

  it("lets the usual queries through, the full introspection query among them", async () => {
    const user = await registerUser(api.graphqlUrl);
    const me = await graphql(
      api.graphqlUrl,
      "{ me { id email } }",
      {},
      { token: user.sessionToken },
    );
    expect(me.errors).toBeUndefined();
    const introspection = await graphql(api.graphqlUrl, getIntrospectionQuery());
    expect(introspection.errors).toBeUndefined();
  });

  it("suggests field names in development", async () => {
    const response = await graphql(api.graphqlUrl, "{ mee { id } }");
    expect(response.errors![0]!.message).toMatch(/Did you mean "me"\?/);
  });
});

describe("query limits in production", () => {
  const api = useTestServer({
    kind: "postgres",
    env: {
      NODE_ENV: "production",
      LOG_LEVEL: "silent",
      PASSWORD_HASH_COST: "17",
      QUERY_MAX_DEPTH: "3",
    },
  });

  it("gives no field-name suggestions, which would reveal the schema", async () => {
    const response = await graphql(api.graphqlUrl, "{ mee { id } }");
    expect(errorCode(response)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(response.errors![0]!.message).not.toMatch(/Did you mean/);
    expect(response.errors![0]!.message).toMatch(/Cannot query field "mee"/);
  });

  it("takes its limits from the environment", async () => {
    const response = await graphql(api.graphqlUrl, `{ ${deep(4)} }`);
    expect(response.errors![0]!.extensions).toMatchObject({ limit: "maxDepth", max: 3 });
  });
});

/**
 * Selections nested `levels` deep (`me { me { ... { id } } }`). Not a valid query, which
 * does not matter: the limits are checked before validation.
 */
function deep(levels: number): string {
  let selection = "id";
  for (let level = 1; level < levels; level++) {
    selection = `me { ${selection} }`;
  }
  return selection;
}

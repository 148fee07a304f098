/**
 * Credentials: password hashing never holds a transaction (so a flood of sign-ins cannot
 * take the connections from everyone else), guessing is rate-limited across API processes,
 * and old hashes are upgraded to today's cost.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBroker } from "../../src/broker/index.js";
import { createAccountReads } from "../../src/accounts/account.reads.js";
import { createAttemptLimits } from "../../src/accounts/attemptLimits.js";
import { createPasswordHasher, type PasswordHasher } from "../../src/accounts/passwords.js";
import { createAccountWorkflows } from "../../src/accounts/workflows.js";
import { errorCode, graphql, LOGIN, registerUser } from "../helpers/graphqlClient.js";
import { startTestServer, useTestServer, type TestServer } from "../helpers/httpServer.js";
import {
  createEmbeddedTestDatabase,
  createPostgresTestDatabase,
  type DatabaseKind,
  useTestDatabase,
} from "../helpers/testDatabases.js";
import { withTimeout } from "../helpers/waiting.js";
describe.each<DatabaseKind>(["postgres", "embedded"])(
  "password work on the %s database",
  (kind) => {
    // One connection (PGlite always has one): if a transaction were open while a password
    // is hashed, the probe below would wait for that transaction, which waits for the hash.
    const database = useTestDatabase(() =>
      kind === "postgres"
        ? createPostgresTestDatabase({ poolSize: 1 })
        : createEmbeddedTestDatabase(),
    );

    it("hashes and checks passwords with no transaction open", async () => {
      const real = createPasswordHasher({ cost: { N: 2 ** 10, r: 8, p: 1 } });
      const probes: string[] = [];
      const probe = async (what: string) => {
        await withTimeout(database.prisma.$queryRaw`SELECT 1`, 5_000, `a query while ${what}`);
        probes.push(what);
      };
      const passwords: PasswordHasher = {
        cost: real.cost,
        saturated: false,
        async hash(password) {
          await probe("hashing");
          return real.hash(password);
        },
        async verify(password, stored) {
          await probe("verifying");
          return real.verify(password, stored);
        },
      };
      const workflows = createAccountWorkflows({
        passwords,
        limits: createAttemptLimits(
          {
            loginFailuresPerEmail: 100,
            loginBlockSeconds: 60,
            loginAttemptsPerAddress: 100,
            registrationsPerAddress: 100,
          },
          { kind: "memory" },
        ),
        accounts: createAccountReads(database.prisma),
        sessionTtlMs: 60_000,
        now: () => new Date(),
      });
      const broker = createBroker({
        client: database.transactions,
        workflows: Object.values(workflows),
      });
      const input = {
        email: `hash-${kind}@example.com`,
        password: "long enough password",
        clientAddress: "127.0.0.1",
      };
      await broker.run(workflows.registerUser, { ...input, sendWelcomeEmail: true });
      await broker.run(workflows.login, input);
      await expect(
        broker.run(workflows.login, { ...input, password: "wrong password!" }),
      ).rejects.toThrow(/failed in step "CheckCredentials"/);
      expect(probes).toEqual(["hashing", "verifying", "verifying"]);
    });
  },
);

describe("sign-in rate limits", () => {
  const api = useTestServer({
    kind: "postgres",
    env: { LOGIN_FAILURES_PER_EMAIL: "5", LOGIN_BLOCK_MINUTES: "15" },
  });

  it("blocks an e-mail after 5 wrong passwords in a row, even for the right one, with 429 and Retry-After", async () => {
    const user = await registerUser(api.graphqlUrl);
    const other = await registerUser(api.graphqlUrl);
    const attempt = (password: string, email = user.email) =>
      graphql(api.graphqlUrl, LOGIN, { input: { email, password } });

    const wrong = [];
    for (let i = 0; i < 30; i++) wrong.push(await attempt(`wrong password ${i}`));
    expect(wrong.slice(0, 5).map(errorCode)).toEqual(Array(5).fill("INVALID_CREDENTIALS"));
    expect(new Set(wrong.slice(5).map(errorCode))).toEqual(new Set(["RATE_LIMITED"]));

    const right = await attempt(user.password);
    expect(right.status).toBe(429);
    expect(errorCode(right)).toBe("RATE_LIMITED");
    const retryAfter = right.errors![0]!.extensions!.retryAfterSeconds as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(right.errors![0]!.message).toMatch(/Too many wrong passwords for this e-mail/);
    expect(right.headers.get("retry-after")).toBe(String(retryAfter));

    // Another account is not affected.
    const unaffected = await attempt(other.password, other.email);
    expect(unaffected.errors).toBeUndefined();
  });

  it("clears an e-mail's count of wrong passwords when the right one comes", async () => {
    const user = await registerUser(api.graphqlUrl);
    const attempt = (password: string) =>
      graphql(api.graphqlUrl, LOGIN, { input: { email: user.email, password } });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++)
        expect(errorCode(await attempt("wrong password"))).toBe("INVALID_CREDENTIALS");
      expect((await attempt(user.password)).errors).toBeUndefined();
    }
  });
});

describe("rate limits shared by two API processes on one PostgreSQL database", () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer({ kind: "postgres", env: { LOGIN_FAILURES_PER_EMAIL: "4" } });
    second = await startTestServer({
      database: first.database,
      env: { LOGIN_FAILURES_PER_EMAIL: "4" },
    });
  });
  afterAll(async () => {
    await second?.server.shutdown();
    await first?.close();
  });

  it("counts wrong passwords sent to either", async () => {
    const user = await registerUser(first.graphqlUrl);
    const attempt = (url: string) =>
      graphql(url, LOGIN, { input: { email: user.email, password: "wrong password" } });
    expect(errorCode(await attempt(first.graphqlUrl))).toBe("INVALID_CREDENTIALS");
    expect(errorCode(await attempt(second.graphqlUrl))).toBe("INVALID_CREDENTIALS");
    expect(errorCode(await attempt(first.graphqlUrl))).toBe("INVALID_CREDENTIALS");
    expect(errorCode(await attempt(second.graphqlUrl))).toBe("INVALID_CREDENTIALS");
    expect(errorCode(await attempt(first.graphqlUrl))).toBe("RATE_LIMITED");
    expect(errorCode(await attempt(second.graphqlUrl))).toBe("RATE_LIMITED");
  });
});

describe("sign-up and sign-in rate limits per address", () => {
  const api = useTestServer({
    kind: "embedded",
    env: { REGISTRATIONS_PER_ADDRESS: "2", LOGIN_ATTEMPTS_PER_ADDRESS: "3" },
  });

  it("refuses a third sign-up from one address within the hour, creating nothing", async () => {
    await registerUser(api.graphqlUrl);
    await registerUser(api.graphqlUrl);
    const usersBefore = await api.database.prisma.user.count();
    const third = await graphql(api.graphqlUrl, REGISTER, {
      input: { email: "third@example.com", password: "long enough password" },
    });
    expect(third.status).toBe(429);
    expect(errorCode(third)).toBe("RATE_LIMITED");
    expect(third.errors![0]!.message).toMatch(/Too many sign-ups from this address/);
    expect(await api.database.prisma.user.count()).toBe(usersBefore);
  });

  it("refuses a fourth sign-in attempt from one address within 15 minutes, whatever the e-mails", async () => {
    const outcomes = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(
        errorCode(
          await graphql(api.graphqlUrl, LOGIN, {
            input: { email: `someone${i}@example.com`, password: "long enough password" },
          }),
        ),
      );
    }
    expect(outcomes).toEqual([
      "INVALID_CREDENTIALS",
      "INVALID_CREDENTIALS",
      "INVALID_CREDENTIALS",
      "RATE_LIMITED",
    ]);
  });
});

describe("password hashes made with a lower cost", () => {
  it("are replaced by one of today's cost at the owner's next sign-in", async () => {
    const before = await startTestServer({ kind: "postgres", env: { PASSWORD_HASH_COST: "10" } });
    let after: TestServer | undefined;
    try {
      const user = await registerUser(before.graphqlUrl);
      const stored = async () =>
        (await before.database.prisma.user.findUniqueOrThrow({ where: { id: user.userId } }))
          .passwordHash;
      expect(await stored()).toMatch(/^scrypt\$1024\$/);

      after = await startTestServer({
        database: before.database,
        env: { PASSWORD_HASH_COST: "12" },
      });
      const login = () =>
        graphql(after!.graphqlUrl, LOGIN, {
          input: { email: user.email, password: user.password },
        });
      expect((await login()).errors).toBeUndefined();
      expect(await stored()).toMatch(/^scrypt\$4096\$8\$1\$/);
      expect((await login()).errors).toBeUndefined();
    } finally {
      await after?.server.shutdown();
      await before.close();
    }
  });
});

const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterUserInput!) {
    registerUser(input: $input) {
      userId
    }
  }
`;

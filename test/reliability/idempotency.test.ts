/**
 * Idempotency keys over real HTTP: a mutation repeated with the same `Idempotency-Key`
 * runs once, whatever happened to the first attempt's answer; the same key for another
 * request is refused; keys are per caller, expire, and are purged. Dry runs over GraphQL.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { purgeExpiredIdempotencyKeys } from "../../src/idempotency/index.js";
import {
  CREATE_ACTIVITY,
  errorCode,
  graphql,
  LOGIN,
  openGraphQLRequest,
  registerUser,
  type GraphQLResponse,
} from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";
import type { DatabaseKind } from "../helpers/testDatabases.js";

interface Created {
  createActivity: { activity: { id: string; title: string; activityDate: string } };
}

describe.each<DatabaseKind>(["postgres", "embedded"])(
  "idempotency keys on the %s database",
  (kind) => {
    const api = useTestServer({ kind });
    const create = (token: string, key: string | undefined, title = "morning run") =>
      graphql<Created>(
        api.graphqlUrl,
        CREATE_ACTIVITY,
        { input: { type: "run", title, activityDate: "2026-11-29T07:00:00Z" } },
        { token, headers: key === undefined ? {} : { "idempotency-key": key } },
      );
    const activitiesOf = (userId: string) =>
      api.database.prisma.activity.count({ where: { userId } });
    const statsOf = async (userId: string) =>
      (await api.database.prisma.userStats.findUniqueOrThrow({ where: { userId } }))
        .totalActivities;

    it("runs 50 concurrent identical requests with one key once, and gives all 50 the same payload", async () => {
      const user = await registerUser(api.graphqlUrl);
      const key = randomUUID();
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => create(user.sessionToken, key)),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
      expect(responses.every((response) => response.errors === undefined)).toBe(true);
      const payloads = new Set(responses.map((response) => JSON.stringify(response.data)));
      expect(payloads.size).toBe(1);
      const replays = responses.filter(
        (response) =>
          (response as { extensions?: { idempotentReplay?: boolean } }).extensions
            ?.idempotentReplay,
      );
      expect(replays).toHaveLength(49);
      expect(
        replays.every((response) => response.headers.get("idempotent-replayed") === "true"),
      ).toBe(true);
      expect(await activitiesOf(user.userId)).toBe(1);
      expect(await statsOf(user.userId)).toBe(1);
    });

    it("replays a later repeat from the database, dates and all, without running anything", async () => {
      const user = await registerUser(api.graphqlUrl);
      const key = `"${randomUUID()}"`; // the draft's Structured Field string form
      const first = await create(user.sessionToken, key);
      const again = await create(user.sessionToken, key);
      expect(again.data).toEqual(first.data);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(first.headers.get("idempotent-replayed")).toBeNull();
      expect(await activitiesOf(user.userId)).toBe(1);
      // A request without a key, or with another, runs again.
      await create(user.sessionToken, undefined);
      await create(user.sessionToken, randomUUID());
      expect(await activitiesOf(user.userId)).toBe(3);
    });

    it("refuses the same key for a different request with 422 IDEMPOTENCY_KEY_REUSED, running nothing", async () => {
      const user = await registerUser(api.graphqlUrl);
      const key = randomUUID();
      await create(user.sessionToken, key, "first");
      const reused = await create(user.sessionToken, key, "something else");
      expect(reused.status).toBe(422);
      expect(errorCode(reused)).toBe("IDEMPOTENCY_KEY_REUSED");
      expect(reused.errors?.[0]?.message).toMatch(/used for a different createActivity request/);
      expect(await activitiesOf(user.userId)).toBe(1);
    });

    it("keeps keys per caller: another user's identical key runs for them", async () => {
      const [alice, bob] = [await registerUser(api.graphqlUrl), await registerUser(api.graphqlUrl)];
      const key = randomUUID();
      const forAlice = await create(alice.sessionToken, key);
      const forBob = await create(bob.sessionToken, key);
      expect(forBob.data?.createActivity.activity.id).not.toBe(
        forAlice.data?.createActivity.activity.id,
      );
      expect([await activitiesOf(alice.userId), await activitiesOf(bob.userId)]).toEqual([1, 1]);
    });

    it("stores nothing for a run that failed: the key can be used again", async () => {
      const user = await registerUser(api.graphqlUrl);
      const key = randomUUID();
      // Without its stats row, createActivity's UpdateStats fails and the run rolls back.
      await api.database.prisma.userStats.delete({ where: { userId: user.userId } });
      const failed = await create(user.sessionToken, key);
      expect(errorCode(failed)).toBe("WORKFLOW_STEP_FAILED");
      await api.database.prisma.userStats.create({ data: { userId: user.userId } });
      const retried = await create(user.sessionToken, key);
      expect(retried.errors).toBeUndefined();
      expect(retried.headers.get("idempotent-replayed")).toBeNull();
      expect(await activitiesOf(user.userId)).toBe(1);
    });

    it("gives exactly one activity per key when connections are cut mid-request and the client retries", async () => {
      const user = await registerUser(api.graphqlUrl);
      const keys = Array.from({ length: 6 }, () => randomUUID());
      const body = (title: string) =>
        JSON.stringify({
          query: CREATE_ACTIVITY,
          variables: { input: { type: "ride", title, activityDate: "2026-11-29T07:00:00Z" } },
        });
      for (const [index, key] of keys.entries()) {
        // The connection is cut at a different moment each time: before the run, during it,
        // or after its commit, before the answer arrives. Which one it was is not asked.
        const cut = new Promise<void>((resolve) => {
          const sent = openGraphQLRequest(api.graphqlUrl, user.sessionToken, {
            "idempotency-key": key,
          });
          sent.on("error", () => resolve());
          sent.on("response", (response) => {
            response.destroy();
            resolve();
          });
          sent.end(body(`cut ${key}`));
          void sleep(index * 3).then(() => {
            sent.destroy();
            resolve();
          });
        });
        await cut;
        let retried: GraphQLResponse<Created> | undefined;
        for (let attempt = 0; attempt < 20 && !retried?.data; attempt++) {
          retried = await graphql<Created>(
            api.graphqlUrl,
            CREATE_ACTIVITY,
            { input: { type: "ride", title: `cut ${key}`, activityDate: "2026-11-29T07:00:00Z" } },
            { token: user.sessionToken, headers: { "idempotency-key": key } },
          );
        }
        expect(retried?.data?.createActivity.activity.title).toBe(`cut ${key}`);
      }
      expect(await activitiesOf(user.userId)).toBe(keys.length);
      expect(await statsOf(user.userId)).toBe(keys.length);
    });

    it("refuses a malformed key with 400 before anything runs", async () => {
      const user = await registerUser(api.graphqlUrl);
      for (const key of ["", "x".repeat(256), "tab\there", "é"]) {
        const response = await fetch(api.graphqlUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${user.sessionToken}`,
            "idempotency-key": key,
          },
          body: JSON.stringify({
            query: CREATE_ACTIVITY,
            variables: { input: { type: "run", title: "x" } },
          }),
        });
        expect(response.status).toBe(400);
        const body = (await response.json()) as GraphQLResponse;
        expect(body.errors?.[0]?.message).toMatch(/1 to 255 printable ASCII characters/);
      }
      expect(await activitiesOf(user.userId)).toBe(0);
    });

    it("refuses a key on login, whose result holds a session token that is never stored", async () => {
      const user = await registerUser(api.graphqlUrl);
      const response = await graphql(
        api.graphqlUrl,
        LOGIN,
        { input: { email: user.email, password: user.password } },
        { headers: { "idempotency-key": randomUUID() } },
      );
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe("IDEMPOTENCY_KEY_UNSUPPORTED");
      expect(await api.database.prisma.session.count({ where: { userId: user.userId } })).toBe(1);
    });

    it("lets an expired key run again, and purges expired keys in bounded batches", async () => {
      const user = await registerUser(api.graphqlUrl);
      const key = randomUUID();
      await create(user.sessionToken, key);
      await api.database.prisma.$executeRaw`
      UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE caller = ${user.userId}`;
      const afterExpiry = await create(user.sessionToken, key);
      expect(afterExpiry.headers.get("idempotent-replayed")).toBeNull();
      expect(await activitiesOf(user.userId)).toBe(2);

      for (let i = 0; i < 5; i++) await create(user.sessionToken, randomUUID());
      await api.database.prisma.$executeRaw`
      UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE caller = ${user.userId}`;
      const live = randomUUID();
      await create(user.sessionToken, live);
      const purged = await purgeExpiredIdempotencyKeys(api.database.prisma, {
        batchSize: 2,
        maxBatches: 100,
      });
      expect(purged).toBeGreaterThanOrEqual(6);
      const left = await api.database.prisma.idempotencyKey.findMany({
        where: { caller: user.userId },
        select: { key: true },
      });
      expect(left).toEqual([{ key: `createActivity:${live}` }]);
    });

    it("dry-runs createActivity: the payload it would commit, extensions.dryRun, nothing written", async () => {
      const user = await registerUser(api.graphqlUrl);
      const response = await graphql<Created>(
        api.graphqlUrl,
        `
          mutation Try($input: CreateActivityInput!) {
            createActivity(input: $input, dryRun: true) {
              statsUpdated
              activity {
                id
                title
              }
            }
          }
        `,
        { input: { type: "run", title: "just checking" } },
        { token: user.sessionToken, headers: { "idempotency-key": randomUUID() } },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?.createActivity).toMatchObject({
        statsUpdated: true,
        activity: { id: expect.any(String), title: "just checking" },
      });
      expect((response as { extensions?: unknown }).extensions).toEqual({ dryRun: true });
      expect(await activitiesOf(user.userId)).toBe(0);
      expect(await statsOf(user.userId)).toBe(0);
      expect(
        await api.database.prisma.idempotencyKey.count({ where: { caller: user.userId } }),
      ).toBe(0);
    });

    it("dry-runs registerUser: a payload, but no user, no session and no welcome e-mail queued", async () => {
      const email = `dry-${randomUUID()}@example.com`;
      const dry = await graphql<{ registerUser: { userId: string; email: string } }>(
        api.graphqlUrl,
        `
          mutation ($input: RegisterUserInput!) {
            registerUser(input: $input, dryRun: true) {
              userId
              email
              welcomeEmailQueued
            }
          }
        `,
        { input: { email, password: "correct horse battery staple" } },
      );
      expect(dry.errors).toBeUndefined();
      expect(dry.data?.registerUser).toMatchObject({ email, welcomeEmailQueued: true });
      const prisma = api.database.prisma;
      expect(await prisma.user.count({ where: { email } })).toBe(0);
      expect(await prisma.session.count({ where: { userId: dry.data!.registerUser.userId } })).toBe(
        0,
      );
      expect(
        await prisma.outboxMessage.count({
          where: { payload: { path: ["email"], equals: email } },
        }),
      ).toBe(0);
      // The e-mail is still free: the real sign-up works.
      const real = await registerUser(api.graphqlUrl, email);
      expect(real.email).toBe(email);
    });
  },
);

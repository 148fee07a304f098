/**
 * Property-based fuzzing (fast-check) of every mutation's input, over real HTTP:
 * whatever a client sends, the API never answers 5xx; invalid input is BAD_USER_INPUT and
 * writes nothing; valid input is always accepted. The validity rules are restated here,
 * independently of the code under test, as the oracle.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  errorCode,
  graphql,
  LOGIN,
  registerUser,
  UPDATE_SETTINGS,
} from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";

const RUNS = 60;

// eslint-disable-next-line no-control-regex -- the rule being restated
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
// eslint-disable-next-line no-control-regex -- the same, tabs and line breaks allowed
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
const INVISIBLE = /[\s\u00ad\u180e\u200b-\u200d\u2060\ufeff]/gu;

/** Strings a hostile or careless client might send: any code unit, some of them often. */
const anyText = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: "binary", maxLength }),
    fc.string({ unit: "grapheme", maxLength }),
    fc.constantFrom("", " ", "\u200b", "\u0000", "a\ud800", "é", "\n", "x".repeat(maxLength + 1)),
  );

/**
 * A text's length in characters as the limits count them (validator.js's isLength): a
 * surrogate pair is one character, and a variation selector none.
 */
const characters = (value: string) =>
  value.length -
  (value.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g) ?? []).length -
  (value.match(/[\uFE0E\uFE0F]/g) ?? []).length;

const validLine = (value: unknown, max: number) =>
  typeof value === "string" &&
  value.isWellFormed() &&
  !CONTROL.test(value) &&
  value.replace(INVISIBLE, "") !== "" &&
  characters(value) <= max;

const tomorrow = () => Date.now() + 24 * 3600 * 1000;
const DATES = {
  valid: ["2025-06-15T07:30:00Z", "1900-01-01T00:00:00Z", "2020-02-29T23:59:59.999+02:00"],
  outOfRange: ["1899-12-31T23:59:59Z", "2999-01-01T00:00:00Z"],
  invalid: ["yesterday", "", "2026-13-45T25:00:00Z", "2026-01-01"],
};

const activityInput = fc.record(
  {
    type: fc.oneof(anyText(210), fc.constantFrom("run", "ride")),
    title: fc.oneof(anyText(210), fc.constantFrom("Morning run", "Évening ride")),
    description: fc.oneof(fc.constant(null), anyText(2010), fc.constant("line one\nline two")),
    durationMinutes: fc.oneof(
      fc.constant(null),
      fc.integer({ min: -10, max: 20_000 }),
      fc.constantFrom(1.5, 2 ** 40, -0),
    ),
    distanceKm: fc.oneof(
      fc.constant(null),
      fc.double({ min: -5, max: 200_000, noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(0, 42.195, 1e-9),
    ),
    activityDate: fc.oneof(
      fc.constant(null),
      fc.constantFrom(...DATES.valid, ...DATES.outOfRange, ...DATES.invalid),
    ),
  },
  { requiredKeys: ["type", "title"] },
);

function activityIsValid(input: Record<string, unknown>): boolean {
  const { description, durationMinutes: duration, distanceKm: distance, activityDate } = input;
  return (
    validLine(input.type, 200) &&
    validLine(input.title, 200) &&
    (description === null ||
      description === undefined ||
      (typeof description === "string" &&
        description.isWellFormed() &&
        !CONTROL_EXCEPT_LINES.test(description) &&
        characters(description) <= 2000)) &&
    (duration === null ||
      duration === undefined ||
      (Number.isInteger(duration) &&
        (duration as number) >= 0 &&
        (duration as number) <= 10_080)) &&
    (distance === null ||
      distance === undefined ||
      (typeof distance === "number" && distance >= 0 && distance <= 100_000)) &&
    (activityDate === null ||
      activityDate === undefined ||
      (DATES.valid.includes(activityDate as string) &&
        Date.parse(activityDate as string) <= tomorrow()))
  );
}

let emails = 0;
const safeLocal = fc.stringMatching(/^[a-z0-9]([a-z0-9._+-]{0,10}[a-z0-9])?$/);
const email = fc.oneof(
  // Addresses anyone would call valid: accepted, whatever their case or surrounding spaces.
  fc
    .tuple(safeLocal, fc.constantFrom("example.com", "Bücher.example", "mail.example.org"))
    .map(([local, domain]) => ({
      value: ` ${local.replace(/\.\.+/g, ".")}${++emails}@${domain} `,
      valid: true,
    })),
  // ... and ones nobody should: refused.
  fc
    .constantFrom(
      "",
      "no-at-sign",
      '"quoted local"@example.com',
      "ada@127.0.0.1",
      "a b@example.com",
      "ada@localhost",
      "nul\u0000@example.com",
      "a\ud800@example.com",
      "@example.com",
      "ada@",
    )
    .map((value) => ({ value, valid: false })),
);
const password = fc.oneof(anyText(210), fc.constant("long enough password"));
/** What a careless client might send for a Boolean: booleans, and everything else. */
const maybeBoolean = fc.oneof(
  fc.boolean(),
  fc.constantFrom(null, "true", "false", 0, 1, [], {}),
  fc.string({ maxLength: 5 }),
);
const passwordIsValid = (value: string) =>
  characters(value) >= 10 &&
  characters(value) <= 200 &&
  value.isWellFormed() &&
  !CONTROL.test(value);

describe("fuzzing every mutation's input", () => {
  // No e-mail is blocked for wrong passwords here: the fuzzer must reach the right one too.
  const api = useTestServer({ kind: "postgres", env: { LOGIN_FAILURES_PER_EMAIL: "1000" } });
  const counts = async () => ({
    users: await api.database.prisma.user.count(),
    activities: await api.database.prisma.activity.count(),
    sessions: await api.database.prisma.session.count(),
    outbox: await api.database.prisma.outboxMessage.count(),
  });

  it("createActivity: never 5xx; invalid input refused and unwritten, valid input accepted", async () => {
    const user = await registerUser(api.graphqlUrl);
    await fc.assert(
      fc.asyncProperty(activityInput, async (input) => {
        const before = await counts();
        const response = await graphql(
          api.graphqlUrl,
          `
            mutation ($input: CreateActivityInput!) {
              createActivity(input: $input) {
                activityId
              }
            }
          `,
          { input },
          { token: user.sessionToken },
        );
        expect(response.status).toBeLessThan(500);
        const after = await counts();
        if (activityIsValid(input)) {
          expect(response.errors).toBeUndefined();
          expect(after.activities).toBe(before.activities + 1);
        } else {
          expect(errorCode(response)).toBe("BAD_USER_INPUT");
          expect(after).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("registerUser: never 5xx; invalid input refused and unwritten, valid input accepted", async () => {
    await fc.assert(
      fc.asyncProperty(
        email,
        password,
        fc.option(maybeBoolean, { nil: undefined }),
        async (address, secret, send) => {
          const before = await counts();
          const response = await graphql(
            api.graphqlUrl,
            `
              mutation ($input: RegisterUserInput!) {
                registerUser(input: $input) {
                  userId
                }
              }
            `,
            // undefined leaves sendWelcomeEmail out (JSON.stringify drops it).
            {
              input: { email: address.value, password: secret, sendWelcomeEmail: send },
            },
          );
          expect(response.status).toBeLessThan(500);
          const after = await counts();
          const sendIsValid = send === undefined || typeof send === "boolean";
          if (address.valid && passwordIsValid(secret) && sendIsValid) {
            expect(response.errors).toBeUndefined();
            expect(after.users).toBe(before.users + 1);
            expect(after.outbox).toBe(before.outbox + (send === false ? 0 : 1));
          } else {
            expect(errorCode(response)).toBe("BAD_USER_INPUT");
            expect(after).toEqual(before);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("updateSettings: never 5xx; anything but a boolean refused and unwritten, a boolean stored", async () => {
    const user = await registerUser(api.graphqlUrl);
    const stored = async () =>
      (
        await api.database.prisma.user.findUniqueOrThrow({
          where: { id: user.userId },
          select: { activityNotifications: true },
        })
      ).activityNotifications;
    await fc.assert(
      fc.asyncProperty(fc.option(maybeBoolean, { nil: undefined }), async (value) => {
        const before = await stored();
        const response = await graphql(
          api.graphqlUrl,
          UPDATE_SETTINGS,
          // undefined leaves the field out.
          { input: { activityNotifications: value } },
          { token: user.sessionToken },
        );
        expect(response.status).toBeLessThan(500);
        if (typeof value === "boolean") {
          expect(response.errors).toBeUndefined();
          expect(await stored()).toBe(value);
        } else {
          expect(errorCode(response)).toBe("BAD_USER_INPUT");
          expect(await stored()).toBe(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("login: never 5xx, and opens a session only for the right password", async () => {
    const user = await registerUser(api.graphqlUrl);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(anyText(300), fc.constant(user.email)),
        fc.oneof(anyText(300), fc.constant(user.password)),
        async (address, secret) => {
          const before = await counts();
          const response = await graphql(api.graphqlUrl, LOGIN, {
            input: { email: address, password: secret },
          });
          expect(response.status).toBeLessThan(500);
          const after = await counts();
          if (response.errors) {
            expect(["BAD_USER_INPUT", "INVALID_CREDENTIALS"]).toContain(errorCode(response));
            expect(after).toEqual(before);
          } else {
            expect(secret).toBe(user.password);
            expect(after.sessions).toBe(before.sessions + 1);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("logout: never 5xx, whatever the Authorization header", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (header) => {
        const response = await fetch(api.graphqlUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: header.replace(/[\r\n\0]/g, ""),
          },
          body: JSON.stringify({ query: "mutation { logout { sessionRevoked } }" }),
        });
        expect(response.status).toBeLessThan(500);
        const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
        expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      }),
      { numRuns: RUNS },
    );
  });
});

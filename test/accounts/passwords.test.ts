import { describe, expect, it } from "vitest";
import { hashSessionToken, generateSessionToken } from "../../src/accounts/sessions.js";
import {
  createPasswordHasher,
  OWASP_MINIMUM_SCRYPT_COST,
  PasswordCheckBusyError,
} from "../../src/accounts/passwords.js";

// A low cost keeps these tests fast; the default is OWASP's minimum (checked below).
const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe("password hashing", () => {
  const passwords = createPasswordHasher({ cost: cheap });

  it("uses OWASP's minimum scrypt cost unless told otherwise", () => {
    expect(OWASP_MINIMUM_SCRYPT_COST).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    expect(createPasswordHasher().cost).toEqual(OWASP_MINIMUM_SCRYPT_COST);
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await passwords.hash("analytical engine");
    expect(await passwords.verify("analytical engine", hash)).toEqual({
      matches: true,
      needsRehash: false,
    });
    expect(await passwords.verify("analytical enginE", hash)).toEqual({
      matches: false,
      needsRehash: false,
    });
  });

  it("salts every hash, records its cost, and never contains the password", async () => {
    const [first, second] = await Promise.all([
      passwords.hash("same password"),
      passwords.hash("same password"),
    ]);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(first).not.toContain("same password");
  });

  it("verifies a hash made with a lower cost, and says it needs rehashing", async () => {
    const older = await createPasswordHasher({ cost: { N: 2 ** 9, r: 8, p: 1 } }).hash("pw");
    expect(await passwords.verify("pw", older)).toEqual({ matches: true, needsRehash: true });
    expect(await passwords.verify("wrong", older)).toEqual({ matches: false, needsRehash: false });
  });

  it("refuses every password against a malformed or oversized stored hash instead of throwing", async () => {
    const huge = `scrypt$${2 ** 30}$8$1$c2FsdA==$aGFzaA==`;
    for (const stored of [
      "",
      "plain-text",
      "bcrypt$x$y",
      "scrypt$32768$8$1$$",
      "scrypt$1000$8$1$c2FsdA==$aGFzaA==",
      huge,
    ]) {
      expect(await passwords.verify("anything", stored)).toEqual({
        matches: false,
        needsRehash: false,
      });
    }
  });

  it("checks an unknown account against a decoy that no password matches", async () => {
    expect(await passwords.verify("", null)).toEqual({ matches: false, needsRehash: false });
    expect(await passwords.verify("correct horse battery staple", null)).toMatchObject({
      matches: false,
    });
  });

  it("refuses a hash that waited longer than maxWaitMs for its turn, and one whose signal aborted", async () => {
    const gated = createPasswordHasher({
      cost: { N: 2 ** 14, r: 8, p: 1 },
      concurrency: 1,
      maxWaitMs: 1,
    });
    const [first, second] = await Promise.allSettled([gated.hash("a"), gated.hash("b")]);
    expect(first.status).toBe("fulfilled");
    expect((second as PromiseRejectedResult).reason).toBeInstanceOf(PasswordCheckBusyError);

    const patient = createPasswordHasher({ cost: { N: 2 ** 14, r: 8, p: 1 }, concurrency: 1 });
    const controller = new AbortController();
    const running = patient.hash("a");
    const waiting = patient.hash("b", controller.signal);
    controller.abort(new Error("the client left"));
    await expect(waiting).rejects.toThrow("the client left");
    await running;
  });

  it("hashes at most `concurrency` at a time, and refuses past `maxQueued` waiting", async () => {
    const gated = createPasswordHasher({ cost: cheap, concurrency: 1, maxQueued: 2 });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => gated.hash(`pw${i}`)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(PasswordCheckBusyError);
    }
  });
});

describe("session tokens", () => {
  it("are 256 random bits in base64url, stored only as their SHA-256", () => {
    const token = generateSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSessionToken()).not.toBe(token);
    expect(hashSessionToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(token)).toBe(hashSessionToken(token));
  });
});

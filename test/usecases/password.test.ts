import { describe, expect, it } from "vitest";
import {
  hashSessionToken,
  generateSessionToken,
} from "../../src/usecases/sessions/sessionToken.js";
import {
  hashPassword,
  UNKNOWN_USER_PASSWORD_HASH,
  verifyPassword,
} from "../../src/usecases/users/password.js";

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("analytical engine");
    expect(await verifyPassword("analytical engine", hash)).toBe(true);
    expect(await verifyPassword("analytical enginE", hash)).toBe(false);
  });

  it("salts every hash, and never contains the password", async () => {
    const [first, second] = await Promise.all([
      hashPassword("same password"),
      hashPassword("same password"),
    ]);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(first).not.toContain("same password");
  });

  it("refuses every password against a malformed stored hash instead of throwing", async () => {
    for (const stored of ["", "plain-text", "bcrypt$x$y", "scrypt$32768$8$1$$"]) {
      expect(await verifyPassword("anything", stored)).toBe(false);
    }
  });

  it("has a decoy hash for unknown e-mails that no password matches", async () => {
    const decoy = await UNKNOWN_USER_PASSWORD_HASH;
    expect(decoy).toMatch(/^scrypt\$/);
    expect(await verifyPassword("", decoy)).toBe(false);
    expect(await verifyPassword("correct horse battery staple", decoy)).toBe(false);
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

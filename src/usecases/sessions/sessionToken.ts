import { createHash, randomBytes } from "node:crypto";

/** A new random session token (256 bits, base64url). Returned to the client once, never stored. */
export function generateSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What is stored and looked up: the SHA-256 of the token (a fast hash suffices for 256 random bits). */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

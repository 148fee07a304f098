/**
 * Sessions: a random token given to the client once, stored only as its hash; opened by
 * registerUser and login, ended by logout, and looked up once per request.
 */
import { createHash, randomBytes } from "node:crypto";
import { defineUseCase, defineWorkflow, workflowStep, type StepContext } from "../broker/index.js";
import type { PrismaClient, TransactionClient } from "../db/index.js";
import type { Viewer } from "../graphql/index.js";

/** A new random session token (256 bits, base64url). Returned to the client once, never stored. */
export function generateSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What is stored and looked up: the SHA-256 of the token (a fast hash suffices for 256 random bits). */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** What the session use cases are built with. */
export interface SessionSettings {
  /** How long a new session lasts. */
  sessionTtlMs: number;
  /** The current time (a test can move it). */
  now: () => Date;
}

/** Opens a session of `sessionTtlMs`: the token is returned once; only its hash is stored. */
export function createCreateSession(deps: SessionSettings) {
  return defineUseCase({
    name: "CreateSession",
    async run(input: { userId: string }, { tx }: StepContext<TransactionClient>) {
      const sessionToken = generateSessionToken();
      const session = await tx.session.create({
        data: {
          userId: input.userId,
          tokenHash: hashSessionToken(sessionToken),
          expiresAt: new Date(deps.now().getTime() + deps.sessionTtlMs),
        },
        select: { id: true, expiresAt: true },
      });
      return { sessionToken, sessionId: session.id, sessionExpiresAt: session.expiresAt };
    },
  });
}

/**
 * The createSession workflow as a step: registerUser and login both end with it, so
 * their catalogue entries and logs name its step `createSession > CreateSession`.
 */
export function createSessionStep(deps: SessionSettings) {
  return workflowStep(
    defineWorkflow<{ userId: string }>()("createSession", [createCreateSession(deps)]),
  );
}

/** Ends the caller's session: its token stops working at once (the row is kept, marked revoked). */
export function createRevokeSession(deps: Pick<SessionSettings, "now">) {
  return defineUseCase({
    name: "RevokeSession",
    async run(input: Viewer, { tx }: StepContext<TransactionClient>) {
      const { count } = await tx.session.updateMany({
        where: { id: input.sessionId, userId: input.userId, revokedAt: null },
        data: { revokedAt: deps.now() },
      });
      return { sessionRevoked: count === 1 };
    },
  });
}

/**
 * Who a session token belongs to: the user and the session, when the session exists, is
 * not revoked and has not expired; null otherwise. The request context calls it once.
 */
export function createSessionLookup(prisma: PrismaClient, now: () => Date) {
  return async (token: string): Promise<Viewer | null> => {
    const session = await prisma.session.findUnique({
      where: { tokenHash: hashSessionToken(token) },
      select: { id: true, userId: true, expiresAt: true, revokedAt: true },
    });
    if (!session || session.revokedAt || session.expiresAt.getTime() <= now().getTime()) {
      return null;
    }
    return { userId: session.userId, sessionId: session.id };
  };
}

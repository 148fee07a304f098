/**
 * Sessions: a random token given to the client once, stored only as its hash; opened by
 * registerUser and login, ended by logout, and looked up once per request.
 */
import { createHash, randomBytes } from "node:crypto";
import { defineUseCase, defineWorkflow, workflowStep, type StepContext } from "../broker/index.js";
import type { PrismaClient, TransactionClient } from "../db/index.js";
import type { SessionLookup, Viewer, ViewerWithAccount } from "../graphql/index.js";

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
export function createSessionLookup(prisma: PrismaClient, now: () => Date): SessionLookup {
  // Raw SQL, on purpose: every authenticated request runs it, and Prisma's findUnique
  // costs about 1.7 times the CPU of the same query through $queryRaw (query compilation;
  // bench/README.md). With the account, the users row comes in the same statement: `me`
  // is then one round trip, where findUnique and a relation would be two queries.
  async function lookUpSession(token: string): Promise<Viewer | null>;
  async function lookUpSession(
    token: string,
    include: { account: true },
  ): Promise<ViewerWithAccount | null>;
  async function lookUpSession(
    token: string,
    include?: { account: true },
  ): Promise<Viewer | ViewerWithAccount | null> {
    const tokenHash = hashSessionToken(token);
    const [session]: (SessionRow | SessionWithAccountRow | undefined)[] = include?.account
      ? await prisma.$queryRaw<SessionWithAccountRow[]>`
          SELECT s.id::text AS "sessionId", s.user_id::text AS "userId",
                 s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt",
                 u.email, u.created_at AS "createdAt",
                 u.activity_notifications AS "activityNotifications"
          FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.token_hash = ${tokenHash}`
      : await prisma.$queryRaw<SessionRow[]>`
          SELECT id::text AS "sessionId", user_id::text AS "userId",
                 expires_at AS "expiresAt", revoked_at AS "revokedAt"
          FROM sessions WHERE token_hash = ${tokenHash}`;
    if (!session || session.revokedAt || session.expiresAt.getTime() <= now().getTime()) {
      return null;
    }
    const viewer = { userId: session.userId, sessionId: session.sessionId };
    if (!isWithAccount(session)) return viewer;
    const { email, createdAt, activityNotifications } = session;
    return { ...viewer, account: { id: session.userId, email, createdAt, activityNotifications } };
  }
  return lookUpSession;
}

interface SessionRow {
  sessionId: string;
  userId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

interface SessionWithAccountRow extends SessionRow {
  email: string;
  createdAt: Date;
  activityNotifications: boolean;
}

function isWithAccount(row: SessionRow | SessionWithAccountRow): row is SessionWithAccountRow {
  return "email" in row;
}

/** What `me` shows of an account (never the password hash). */
export const ACCOUNT_FIELDS = {
  id: true,
  email: true,
  createdAt: true,
  activityNotifications: true,
} as const;

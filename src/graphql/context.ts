import type { Logger } from "pino";
import type { Broker } from "../broker/index.js";
import type { TransactionClient } from "../db/index.js";
import { UnauthenticatedError } from "../errors/index.js";
import type { GraphQLRequestBody } from "../idempotency/index.js";

/** Who is calling: the user, and the session their token opened. */
export interface Viewer {
  userId: string;
  sessionId: string;
}

/** Finds the viewer a session token belongs to; null for an unknown, expired or revoked one. */
export type SessionLookup = (token: string) => Promise<Viewer | null>;

/**
 * What every resolver finds in the request context. Features add their own services
 * beside these (each feature's resolver file says which: e.g. ActivitiesContext).
 */
export interface RequestContext {
  broker: Broker<TransactionClient>;
  logger: Logger;
  /** The client's address (Express's req.ip: the socket's, or X-Forwarded-For's behind TRUST_PROXY). */
  clientAddress: string;
  /**
   * Aborts when the client goes away before its answer is written. Resolvers pass it to
   * `broker.run`: a workflow that has not committed then stops and rolls back, and the
   * request's later mutations do not start.
   */
  signal: AbortSignal;
  /** The request's `Idempotency-Key` (checked before Apollo ran), if it has one. */
  idempotencyKey: string | undefined;
  /** What the client sent (document, operation name, variables): an idempotency key's fingerprint. */
  request: GraphQLRequestBody;
  /** What the response's extensions say besides the data (see responseExtensions.ts). */
  response: ResponseNotes;
  /** The caller, or null when anonymous; looked up once per request, on first use. */
  viewer(): Promise<Viewer | null>;
  /** The caller; throws UNAUTHENTICATED (saying why) when there is none. */
  requireViewer(): Promise<Viewer>;
}

/** Set by resolvers while they run; said in the response's `extensions`. */
export interface ResponseNotes {
  /** A mutation returned the stored result of an earlier request with the same Idempotency-Key. */
  idempotentReplay: boolean;
  /** A mutation was a dry run: its result was not committed. */
  dryRun: boolean;
}

type Credentials = { kind: "none" } | { kind: "malformed" } | { kind: "bearer"; token: string };

function readCredentials(authorization: string | undefined): Credentials {
  if (authorization === undefined || authorization.trim() === "") return { kind: "none" };
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(authorization.trim());
  return match?.[1] ? { kind: "bearer", token: match[1] } : { kind: "malformed" };
}

/** The request's context: `services` as given, and the viewer behind `authorization`, found once. */
export function createRequestContext(
  services: Omit<RequestContext, "viewer" | "requireViewer" | "response">,
  authorization: string | undefined,
  lookUpSession: SessionLookup,
): RequestContext {
  const credentials = readCredentials(authorization);
  let found: Promise<Viewer | null> | undefined;
  const viewer = () => {
    found ??=
      credentials.kind === "bearer" ? lookUpSession(credentials.token) : Promise.resolve(null);
    return found;
  };
  async function requireViewer(): Promise<Viewer> {
    const caller = await viewer();
    if (caller) return caller;
    switch (credentials.kind) {
      case "none":
        throw new UnauthenticatedError();
      case "malformed":
        throw new UnauthenticatedError("The Authorization header must be 'Bearer <sessionToken>'.");
      case "bearer":
        throw new UnauthenticatedError(
          "The session token is invalid, expired or revoked: sign in again.",
        );
      default: {
        const unreachable: never = credentials;
        throw new Error(`Unhandled credentials ${String(unreachable)}`);
      }
    }
  }
  return {
    ...services,
    response: { idempotentReplay: false, dryRun: false },
    viewer,
    requireViewer,
  };
}

import type { Logger } from "pino";
import type { Broker } from "../broker/index.js";
import type { Prisma } from "../db/index.js";
import { UnauthenticatedError } from "../errors/appError.js";
import type { ReadModel } from "../queries/readModel.js";
import type { Workflows } from "../workflows/index.js";

/** Per-request context: who is calling, and the services resolvers may use. */
export interface GraphQLContext {
  broker: Broker<Prisma.TransactionClient>;
  /** The workflows the broker runs, by name. */
  workflows: Workflows;
  reads: ReadModel;
  logger: Logger;
  /** The client's address (Express's req.ip: the socket's, or X-Forwarded-For's behind TRUST_PROXY). */
  clientAddress: string;
  /**
   * Aborts when the client goes away before its answer is written. Resolvers pass it to
   * `broker.run`: a workflow that has not committed then stops and rolls back, and the
   * request's later mutations do not start.
   */
  signal: AbortSignal;
  /** The caller's user id, or null when anonymous; looked up once per request, on first use. */
  viewerId(): Promise<string | null>;
  /** The caller's user id; throws UNAUTHENTICATED (with the reason) when there is none. */
  requireViewerId(): Promise<string>;
  /** The caller's user id and the session token they sent; throws UNAUTHENTICATED like requireViewerId. */
  requireSession(): Promise<{ userId: string; sessionToken: string }>;
}

type Credentials = { kind: "none" } | { kind: "malformed" } | { kind: "bearer"; token: string };

function readCredentials(authorization: string | undefined): Credentials {
  if (authorization === undefined || authorization.trim() === "") return { kind: "none" };
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(authorization.trim());
  return match?.[1] ? { kind: "bearer", token: match[1] } : { kind: "malformed" };
}

export function createContext(
  services: Omit<GraphQLContext, "viewerId" | "requireViewerId" | "requireSession">,
  authorization: string | undefined,
): GraphQLContext {
  const credentials = readCredentials(authorization);
  let viewer: Promise<string | null> | undefined;
  const viewerId = () => {
    viewer ??=
      credentials.kind === "bearer"
        ? services.reads.userIdForSessionToken(credentials.token)
        : Promise.resolve(null);
    return viewer;
  };
  async function requireSession(): Promise<{ userId: string; sessionToken: string }> {
    const userId = await viewerId();
    if (userId && credentials.kind === "bearer") return { userId, sessionToken: credentials.token };
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
    viewerId,
    requireSession,
    requireViewerId: async () => (await requireSession()).userId,
  };
}

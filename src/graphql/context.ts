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

/** The viewer's account, as `me` shows it (no password hash). */
export interface ViewerAccount {
  id: string;
  email: string;
  createdAt: Date;
  activityNotifications: boolean;
}

/** A viewer found together with their account, in the same query. */
export interface ViewerWithAccount extends Viewer {
  account: ViewerAccount;
}

/**
 * Finds the viewer a session token belongs to; null for an unknown, expired or revoked
 * one. With `{ account: true }` it reads the viewer's account in the same query.
 */
export interface SessionLookup {
  (token: string): Promise<Viewer | null>;
  (token: string, include: { account: true }): Promise<ViewerWithAccount | null>;
}

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
  /**
   * The caller with their account, or null when anonymous: one query when it is the
   * request's first look at the viewer (what `me` costs: one round trip, not two).
   */
  viewerAccount(): Promise<ViewerAccount | null>;
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

/**
 * What a request's context is made of. The three functions are called only when a
 * resolver first reads the field (most requests read none of them): each costs a few
 * microseconds and some garbage per request (a child logger, an AbortController and a
 * listener, Express's X-Forwarded-For parsing).
 */
export interface RequestServices {
  broker: Broker<TransactionClient>;
  idempotencyKey: string | undefined;
  request: GraphQLRequestBody;
  logger: () => Logger;
  clientAddress: () => string;
  signal: () => AbortSignal;
  /** Reads a user's account, for viewerAccount when the viewer was found without it. */
  account: (userId: string) => Promise<ViewerAccount | null>;
}

/**
 * What the context's getters make once and share: Apollo Server shallow-copies a context
 * (Object.create of its prototype, then its own properties), so the copies share this
 * object; for the same reason there are no #private fields here (a copy has none).
 */
interface Made {
  logger?: Logger;
  clientAddress?: string;
  signal?: AbortSignal;
  viewer?: Promise<Viewer | null>;
  account?: Promise<ViewerAccount | null>;
}

class GraphQLRequestContext implements RequestContext {
  readonly broker: Broker<TransactionClient>;
  readonly idempotencyKey: string | undefined;
  readonly request: GraphQLRequestBody;
  readonly response: ResponseNotes = { idempotentReplay: false, dryRun: false };
  private readonly made: Made = {};

  constructor(
    private readonly services: RequestServices,
    private readonly credentials: Credentials,
    private readonly lookUpSession: SessionLookup,
  ) {
    this.broker = services.broker;
    this.idempotencyKey = services.idempotencyKey;
    this.request = services.request;
  }

  get logger(): Logger {
    return (this.made.logger ??= this.services.logger());
  }

  get clientAddress(): string {
    return (this.made.clientAddress ??= this.services.clientAddress());
  }

  get signal(): AbortSignal {
    return (this.made.signal ??= this.services.signal());
  }

  // Arrow properties: resolvers destructure them (`{ requireViewer }: Context`).
  readonly viewer = (): Promise<Viewer | null> => {
    const credentials = this.credentials;
    this.made.viewer ??=
      credentials.kind === "bearer" ? this.lookUpSession(credentials.token) : Promise.resolve(null);
    return this.made.viewer;
  };

  readonly viewerAccount = (): Promise<ViewerAccount | null> => {
    const made = this.made;
    if (made.account !== undefined) return made.account;
    const credentials = this.credentials;
    if (made.viewer === undefined && credentials.kind === "bearer") {
      const found = this.lookUpSession(credentials.token, { account: true });
      made.viewer = found;
      made.account = found.then((viewer) => viewer?.account ?? null);
    } else {
      // The viewer was looked up already, without the account: it takes a query of its own.
      made.account = this.viewer().then((viewer) =>
        viewer === null ? null : this.services.account(viewer.userId),
      );
    }
    return made.account;
  };

  readonly requireViewer = async (): Promise<Viewer> => {
    const caller = await this.viewer();
    if (caller) return caller;
    const credentials = this.credentials;
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
  };
}

/**
 * The request's context: `services` (the lazy ones made on first use), the viewer behind
 * `authorization` (found once, on first use), and each feature's services (`features`).
 */
export function createRequestContext<Features extends object>(
  services: RequestServices,
  authorization: string | undefined,
  lookUpSession: SessionLookup,
  features: Features,
): RequestContext & Features {
  const context = new GraphQLRequestContext(
    services,
    readCredentials(authorization),
    lookUpSession,
  );
  return Object.assign(context, features);
}

/**
 * The `Idempotency-Key` request header (IETF httpapi draft "The Idempotency-Key HTTP
 * Header Field"): read, checked, and turned into the broker's IdempotencyKey for one
 * mutation field of the request.
 */
import { createHash } from "node:crypto";
import type { Request, RequestHandler } from "express";
import type { IdempotencyKey } from "../broker/index.js";
import { ErrorCode } from "../errors/index.js";

export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** The header's key, or what is wrong with it. Undefined when the request has none. */
export function readIdempotencyKey(
  header: string | string[] | undefined,
): { key: string } | { problem: string } | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) return { problem: "Send one Idempotency-Key header, not several." };
  // The draft's form is a Structured Field string ("..."); a bare value is taken as it is.
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(header.trim());
  const key = quoted ? quoted[1]!.replace(/\\(.)/g, "$1") : header.trim();
  if (!KEY_PATTERN.test(key)) {
    return {
      problem:
        "The Idempotency-Key header must be 1 to 255 printable ASCII characters " +
        '(e.g. a UUID), optionally in double quotes: Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324".',
    };
  }
  return { key };
}

/** The keys of requests that sent a well-formed one, read once by readIdempotencyKeyHeader. */
const keysOfRequests = new WeakMap<Request, string>();

/**
 * Reads the request's Idempotency-Key once: a well-formed key is kept for
 * {@link idempotencyKeyOf}; a malformed one is answered 400 BAD_REQUEST before anything runs.
 */
export function readIdempotencyKeyHeader(): RequestHandler {
  return (req, res, next) => {
    const read = readIdempotencyKey(req.headers[IDEMPOTENCY_KEY_HEADER]);
    if (read === undefined || "key" in read) {
      if (read !== undefined) keysOfRequests.set(req, read.key);
      next();
      return;
    }
    res.status(400).json({
      errors: [{ message: read.problem, extensions: { code: ErrorCode.BAD_REQUEST } }],
    });
  };
}

/** The request's Idempotency-Key, as readIdempotencyKeyHeader read it; undefined when it sent none. */
export function idempotencyKeyOf(req: Request): string | undefined {
  return keysOfRequests.get(req);
}

/** What was asked for, as sent: the document, the operation's name and its variables. */
export interface GraphQLRequestBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/**
 * The broker's key for the mutation field `field` (its response name) of a request sent
 * with the Idempotency-Key `key` by `caller`. A request may run several mutations: each
 * field stores its own result under the one key.
 */
export function idempotencyKeyFor(
  key: string,
  caller: string,
  field: string,
  request: GraphQLRequestBody,
): IdempotencyKey {
  const fingerprint = createHash("sha256")
    .update(
      JSON.stringify([
        request.query ?? null,
        request.operationName ?? null,
        request.variables ?? null,
        field,
      ]),
    )
    .digest("hex");
  return { key: `${field}:${key}`, caller, fingerprint };
}

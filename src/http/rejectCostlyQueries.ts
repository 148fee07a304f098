import type { RequestHandler } from "express";
import { ErrorCode } from "../errors/index.js";
import type { QueryLimiter } from "../graphql/index.js";

/**
 * Answers 400, before Apollo parses, validates or runs anything, a document over the
 * query limits (see queryLimits.ts). Batched or persisted requests have no query text
 * here: Apollo refuses batches, and a persisted query sent by hash was checked when its text came.
 */
export function rejectCostlyQueries(check: QueryLimiter): RequestHandler {
  return (req, res, next) => {
    const source: unknown = req.method === "GET" ? req.query.query : req.body?.query;
    const violation = typeof source === "string" ? check(source) : undefined;
    if (!violation) {
      next();
      return;
    }
    req.log.info({ limit: violation.limit }, "query over a limit refused");
    res.status(400).json({
      errors: [
        {
          message: violation.message,
          extensions: {
            code: ErrorCode.GRAPHQL_VALIDATION_FAILED,
            limit: violation.limit,
            max: violation.max,
          },
        },
      ],
    });
  };
}

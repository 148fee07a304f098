import type { ErrorRequestHandler } from "express";
import { ErrorCode } from "../errors/index.js";

/** Malformed bodies (bad JSON, too large) get a GraphQL-shaped JSON error, not Express's HTML page. */
export const jsonErrorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    const message =
      status === 413 ? "The request body is too large." : "The request body is not valid JSON.";
    res.status(status).json({ errors: [{ message, extensions: { code: ErrorCode.BAD_REQUEST } }] });
    return;
  }
  req.log.error({ err: error }, "unhandled request error");
  res.status(500).json({
    errors: [
      { message: "Internal server error", extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } },
    ],
  });
};

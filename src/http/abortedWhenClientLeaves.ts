import type { Response } from "express";

/**
 * A signal that aborts when the connection closes before the response has been written:
 * the client went away, and no one will read what the request would still write.
 */
export function abortedWhenClientLeaves(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new Error("the client closed the connection"));
  });
  return controller.signal;
}

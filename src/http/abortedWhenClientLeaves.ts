import type { Response } from "express";

/**
 * A signal that aborts when the connection closes before the response has been written:
 * the client went away, and no one will read what the request would still write. Made
 * after the connection closed, it is aborted already. The request context makes it only
 * when a resolver first asks (most requests never do).
 */
export function abortedWhenClientLeaves(res: Response): AbortSignal {
  const controller = new AbortController();
  const abortUnlessAnswered = () => {
    if (!res.writableFinished) controller.abort(new Error("the client closed the connection"));
  };
  if (res.closed) abortUnlessAnswered();
  else res.once("close", abortUnlessAnswered);
  return controller.signal;
}

import type { Response } from "express";

/**
 * Makes, on first call, a signal that aborts when the connection closes before the
 * response has been written: the client went away, and no one will read what the request
 * would still write. Called after the connection closed, it returns a signal aborted
 * already. Until then it costs nothing: most requests never ask.
 */
export function abortedWhenClientLeaves(res: Response): () => AbortSignal {
  let signal: AbortSignal | undefined;
  return () => {
    if (signal !== undefined) return signal;
    const controller = new AbortController();
    const abortUnlessAnswered = () => {
      if (!res.writableFinished) controller.abort(new Error("the client closed the connection"));
    };
    if (res.closed) abortUnlessAnswered();
    else res.once("close", abortUnlessAnswered);
    signal = controller.signal;
    return signal;
  };
}

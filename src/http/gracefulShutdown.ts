/**
 * Stopping an HTTP server without losing an answer.
 *
 * Node's `server.close()` stops listening; what it does not settle is the keep-alive
 * socket on which a client sends its next request just as the server decides to close it.
 * Apollo's drain plugin half-closed such sockets (`end()`), and Node still read and ran
 * the request that was already on its way: under 20 clients, one request in four
 * shutdowns committed while its client got "socket hang up". Here:
 *
 * - from `beginDraining()` on, every response says `Connection: close`, so clients stop
 *   reusing their sockets (they reconnect, and are served until the listener closes);
 * - `stop()` closes the listener, then closes each socket only when it has no request in
 *   progress: idle ones at once, busy ones as soon as their response is written;
 * - a request that still reaches a socket being closed is answered 503 before anything
 *   runs (`refuseOnClosingSockets`), so no request is ever run and then cut off;
 * - after `graceMs`, whatever remains is destroyed (and counted, for the log).
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { RequestHandler } from "express";

export interface GracefulShutdown {
  /** Responses from now on ask clients to close the connection after them. */
  beginDraining(): void;
  /** True once beginDraining() was called. */
  readonly draining: boolean;
  /** Express middleware (first in line): a request on a socket being closed is refused with 503, unrun. */
  refuseOnClosingSockets: RequestHandler;
  /**
   * Stops listening and resolves once every socket is closed, every response in progress
   * having been written; after `graceMs`, destroys the rest. Resolves with how many
   * requests were cut off that way.
   */
  stop(graceMs: number): Promise<{ cutOff: number }>;
}

export function gracefulShutdown(server: Server): GracefulShutdown {
  /** Requests in progress on each open socket. */
  const sockets = new Map<Socket, number>();
  const closing = new WeakSet<Socket>();
  let draining = false;
  let stopping = false;

  const closeIfIdle = (socket: Socket) => {
    if ((sockets.get(socket) ?? 0) > 0) return;
    closing.add(socket);
    socket.end();
  };

  server.on("connection", (socket: Socket) => {
    sockets.set(socket, 0);
    socket.once("close", () => sockets.delete(socket));
    if (stopping) closeIfIdle(socket);
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    sockets.set(socket, (sockets.get(socket) ?? 0) + 1);
    if (draining && !res.headersSent) res.setHeader("connection", "close");
    res.once("close", () => {
      sockets.set(socket, Math.max(0, (sockets.get(socket) ?? 1) - 1));
      if (stopping) closeIfIdle(socket);
    });
  });

  return {
    beginDraining() {
      draining = true;
    },
    get draining() {
      return draining;
    },
    refuseOnClosingSockets(req, res, next) {
      if (!closing.has(req.socket)) {
        next();
        return;
      }
      res
        .status(503)
        .setHeader("connection", "close")
        .json({
          errors: [
            {
              message: "The server is shutting down; nothing was run. Please retry.",
              extensions: { code: "SERVICE_UNAVAILABLE" },
            },
          ],
        });
    },
    async stop(graceMs) {
      draining = true;
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets.keys()) closeIfIdle(socket);
      let cutOff = 0;
      const timer = setTimeout(() => {
        for (const [socket, requests] of sockets) {
          cutOff += requests;
          socket.destroy();
        }
      }, graceMs);
      await closed;
      clearTimeout(timer);
      return { cutOff };
    },
  };
}

import type { AddressInfo } from "node:net";
import express from "express";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { requestLogging } from "../../src/http/index.js";

/** An Express app with requestLogging in front of a route that logs a warning through req.log. */
async function serve(level: "info" | "warn") {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const app = express();
  app.use(requestLogging(logger));
  app.get("/warns", (req, res) => {
    req.log.warn("something to look at");
    res.json({ ok: true });
  });
  app.get("/quiet", (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(0);
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stop = () => new Promise((resolve) => server.close(() => resolve()));
  return { base, lines };
}
let stop: () => Promise<void> = async () => {};
afterEach(() => stop());

describe("request logging", () => {
  it("at info, logs each request with its response (pino-http)", async () => {
    const { base, lines } = await serve("info");
    await fetch(`${base}/quiet`);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: "request completed",
        req: expect.objectContaining({ method: "GET", url: "/quiet" }) as unknown,
        res: expect.objectContaining({ statusCode: 200 }) as unknown,
      }),
    );
  });

  it("at warn, logs no request line, and req.log still names the request in what it logs", async () => {
    const { base, lines } = await serve("warn");
    await fetch(`${base}/quiet`);
    await fetch(`${base}/warns`);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: "something to look at",
        req: { id: 2, method: "GET", url: "/warns" },
      }),
    ]);
  });
});

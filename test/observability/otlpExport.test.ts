/**
 * Tracing as an operator turns it on: the OTEL_* variables given to `node dist/main.js`,
 * and a stand-in OTLP/HTTP collector that records what the server sends it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, REGISTER_USER } from "../helpers/graphqlClient.js";
import { startServerProcess } from "../helpers/serverProcess.js";

interface Export {
  path: string;
  contentType: string | undefined;
  body: Buffer;
}

describe("tracing turned on with OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  const exports: Export[] = [];
  let collector: Server;
  let collectorUrl: string;

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        exports.push({
          path: req.url ?? "",
          contentType: req.headers["content-type"],
          body: Buffer.concat(chunks),
        });
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  it("exports the request's spans over OTLP/HTTP protobuf, and puts the trace id in the logs", async () => {
    const server = startServerProcess({
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_SERVICE_NAME: "activelog-otlp-test",
    });
    try {
      const port = await server.ready();
      const response = await graphql(`http://127.0.0.1:${port}/graphql`, REGISTER_USER, {
        input: { email: "traced@example.com", password: "correct horse battery staple" },
      });
      expect(response.errors).toBeUndefined();
      // Shutting down exports the spans still waiting in the batch.
      server.child.kill("SIGTERM");
      expect(await server.exited).toEqual({ code: 0, signal: null });
    } finally {
      server.child.kill("SIGKILL");
    }
    const traces = exports.filter((e) => e.path === "/v1/traces");
    expect(traces.length).toBeGreaterThan(0);
    expect(traces.every((e) => e.contentType === "application/x-protobuf")).toBe(true);
    const body = Buffer.concat(traces.map((e) => e.body));
    // Protocol buffers keep strings as they are: the names can be found in the bytes.
    for (const text of [
      "activelog-otlp-test",
      "POST /graphql",
      "mutation RegisterUser",
      "workflow registerUser",
      "step CreateUser",
      "prisma:client:db_query",
    ]) {
      expect(body.includes(Buffer.from(text)), text).toBe(true);
    }
    const requestLine = server
      .output()
      .split("\n")
      .find((line) => line.includes('"msg":"request completed"'));
    expect(requestLine).toMatch(/"trace_id":"[0-9a-f]{32}"/);
  });
});

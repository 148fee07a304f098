/**
 * The HTTP edges: slow clients are cut off by the server's timeouts, and a draining server
 * says so on /readyz while it still serves for its pre-stop delay.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { graphql, ME } from "../helpers/graphqlClient.js";
import { startTestServer, useTestServer } from "../helpers/httpServer.js";

/** Opens a socket, writes `chunks`, and resolves with what the server sent once it closed the socket. */
function slowClient(port: number, chunks: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      for (const chunk of chunks) socket.write(chunk);
      // ... and then nothing more: the rest of the request never comes.
    });
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    socket.once("close", () => resolve(received));
    socket.once("error", reject);
  });
}

describe("HTTP timeouts", () => {
  const api = useTestServer({
    kind: "embedded",
    env: { HTTP_HEADERS_TIMEOUT_MS: "300", HTTP_REQUEST_TIMEOUT_MS: "600" },
  });
  const port = () => Number(new URL(api.url).port);

  it("closes a connection whose headers do not arrive in time", async () => {
    const answer = await slowClient(port(), ["POST /graphql HTTP/1.1\r\nHost: x\r\n"]);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it("closes a connection whose body does not arrive in time", async () => {
    const answer = await slowClient(port(), [
      "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
      '{"query":',
    ]);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it("serves a client that is not slow", async () => {
    const response = await graphql(api.graphqlUrl, ME);
    expect(response.errors).toBeUndefined();
  });
});

describe("draining before shutdown", () => {
  it("answers 503 on /readyz at once, serves requests during the delay, then refuses connections", async () => {
    const api = await startTestServer({ kind: "embedded", env: { SHUTDOWN_DELAY_MS: "1500" } });
    // Ready first (its first query compiles Prisma's engine, which a busy machine makes slow).
    for (let tries = 0; (await fetch(`${api.url}/readyz`)).status !== 200; tries++) {
      expect(tries).toBeLessThan(100);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const stopped = api.server.shutdown();

    const readiness = await fetch(`${api.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toEqual({ status: "unavailable", reason: "shutting down" });
    const during = await graphql(api.graphqlUrl, ME);
    expect(during.errors).toBeUndefined();
    expect(during.headers.get("connection")).toBe("close");

    await stopped;
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
    await api.close();
  });
});

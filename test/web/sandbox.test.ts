/** Apollo Sandbox, the development landing page, for a browser that opens /graphql. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/httpServer.js";

let api: TestServer | undefined;

describe("Apollo Sandbox", () => {
  beforeAll(async () => {
    api = await startTestServer();
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  it("is served at /graphql to a browser in development", async () => {
    if (!api) throw new Error("the API did not start");
    const response = await fetch(api.graphqlUrl, { headers: { accept: "text/html" } });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/embeddable-sandbox/);
    expect(html).toMatch(/Apollo Sandbox|sandbox/i);
  });
});

/**
 * The server as `npm start` runs it: `node dist/main.js` in its own process (globalSetup
 * has built dist/), on an in-memory embedded database.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../helpers/buildProject.js";
import { graphql, REGISTER_USER } from "../helpers/graphqlClient.js";
import {
  startServerProcess as startServer,
  waitForOutput,
  type ServerProcess,
} from "../helpers/serverProcess.js";

describe("the server process", () => {
  it("applies migrations on the embedded database, serves, and on SIGTERM finishes an in-flight request and exits 0", async () => {
    const server = startServer({ LOG_LEVEL: "debug" });
    try {
      const port = await server.ready();
      // A new in-memory database: every migration in prisma/migrations is applied, in order.
      const migrationNames = (
        await readdir(join(projectRoot, "prisma/migrations"), { withFileTypes: true })
      )
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
      expect(migrationNames.length).toBeGreaterThan(0);
      expect(server.output()).toContain(
        `"appliedMigrationNames":${JSON.stringify(migrationNames)}`,
      );
      const inFlight = graphql(`http://127.0.0.1:${port}/graphql`, REGISTER_USER, {
        input: { email: "sigterm@example.com", password: "finish me first" },
      });
      // Signal once the workflow has started inside the server (the broker logs it at debug).
      await waitForOutput(server, /"workflow":"registerUser".*"msg":"attempt started"/);
      server.child.kill("SIGTERM");
      const response = await inFlight;
      expect(response.errors).toBeUndefined();
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.output()).toContain("shutdown complete");
    } finally {
      server.child.kill("SIGKILL");
    }
  });

  it("refuses to start on invalid configuration, naming every bad variable", async () => {
    const server = startServer({ PORT: "eighty", LOG_LEVEL: "loud", DATABASE_URL: "mysql://x" });
    expect(await server.exited).toEqual({ code: 1, signal: null });
    expect(server.output()).toContain('PORT must be a whole number from 0 to 65535, got "eighty"');
    expect(server.output()).toContain("LOG_LEVEL must be one of");
    expect(server.output()).toContain("DATABASE_URL must start with postgres:// or postgresql://");
  });

  it("logs pretty lines for a person when LOG_FORMAT=pretty, JSON lines when LOG_FORMAT=json", async () => {
    const pretty = startServer({ LOG_FORMAT: "pretty" });
    const json = startServer({ LOG_FORMAT: "json" });
    try {
      await waitForOutput(pretty, /Activelog API ready at/);
      await waitForOutput(json, /Activelog API ready at/);
      const readyLine = (server: ServerProcess) =>
        server
          .output()
          .split("\n")
          .find((line) => line.includes("Activelog API ready at"));
      // e.g. [00:40:33.312] INFO: Activelog API ready at http://localhost:4555/graphql
      expect(readyLine(pretty)).toMatch(
        /^\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*: .*Activelog API ready at/,
      );
      expect(JSON.parse(readyLine(json)!)).toMatchObject({ level: 30, service: "activelog-api" });
    } finally {
      pretty.child.kill("SIGKILL");
      json.child.kill("SIGKILL");
    }
  });

  it("refuses an unknown LOG_FORMAT, naming the choices", async () => {
    const server = startServer({ LOG_FORMAT: "fancy" });
    expect(await server.exited).toEqual({ code: 1, signal: null });
    expect(server.output()).toContain('LOG_FORMAT must be one of auto, pretty, json, got "fancy"');
  });

  it("says which database it cannot reach, and exits 1", async () => {
    const server = startServer({
      DATABASE_URL: "postgresql://postgres:hunter2@127.0.0.1:1/nowhere",
    });
    expect(await server.exited).toEqual({ code: 1, signal: null });
    expect(server.output()).toContain("127.0.0.1:1");
    expect(server.output()).not.toContain("hunter2");
  });
});

/**
 * The embedded database belongs to one process: a second server, or `npm run db:migrate`,
 * on the same PGLITE_DATA_DIR stops at once, naming the directory and the holder, and
 * writes nothing; a lock left by a killed server does not block the next start.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { graphql, REGISTER_USER } from "../helpers/graphqlClient.js";
import { startServerProcess } from "../helpers/serverProcess.js";

describe("one process per embedded data directory", () => {
  const scratch = mkdtemp(join(tmpdir(), "activelog-lock-"));
  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  it("refuses a second server and a migration while one runs, and starts again after kill -9", async () => {
    const dataDir = join(await scratch, "pglite");
    const first = startServerProcess({ PGLITE_DATA_DIR: dataDir });
    try {
      const port = await first.ready();
      const url = `http://127.0.0.1:${port}/graphql`;
      const registered = await graphql(url, REGISTER_USER, {
        input: { email: "kept@example.com", password: "long enough password" },
      });
      expect(registered.errors).toBeUndefined();

      const second = startServerProcess({ PGLITE_DATA_DIR: dataDir });
      expect(await second.exited).toEqual({ code: 1, signal: null });
      expect(second.output()).toContain(
        `The embedded database ${dataDir} is in use by process ${first.child.pid}`,
      );

      const migrate = startServerProcess({ PGLITE_DATA_DIR: dataDir }, "dist/db/cli/migrate.js");
      expect(await migrate.exited).toEqual({ code: 1, signal: null });
      expect(migrate.output()).toContain(`is in use by process ${first.child.pid}`);

      // The first server is unharmed by either.
      const again = await graphql(url, "{ __typename }");
      expect(again.errors).toBeUndefined();
    } finally {
      first.child.kill("SIGKILL");
    }
    await first.exited;

    // Its lock is stale now: the next server takes it over, and finds the user.
    const next = startServerProcess({ PGLITE_DATA_DIR: dataDir });
    try {
      const port = await next.ready();
      const login = await graphql(`http://127.0.0.1:${port}/graphql`, LOGIN, {
        input: { email: "kept@example.com", password: "long enough password" },
      });
      expect(login.errors).toBeUndefined();
    } finally {
      next.child.kill("SIGTERM");
      await next.exited;
    }
  });
});

const LOGIN = /* GraphQL */ `
  mutation ($input: LoginInput!) {
    login(input: $input) {
      userId
    }
  }
`;

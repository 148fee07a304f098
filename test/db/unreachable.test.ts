import { writeFile } from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseUnreachableError } from "@activelog/prisma-wasm-migrate";
import { migrationTarget } from "../../src/db/cli/commands.js";

const UNREACHABLE_URL = "postgresql://postgres:s3cret@127.0.0.1:1/x";

describe("migrating a database that cannot be reached", () => {
  const scratch = mkdtemp(join(tmpdir(), "activelog-unreachable-"));
  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  it("names the PostgreSQL server, with its password hidden", async () => {
    const failure = await migrationTarget({ kind: "postgres", url: UNREACHABLE_URL, poolSize: 1 })
      .open()
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DatabaseUnreachableError);
    expect(failure).toMatchObject({ code: "DATABASE_UNREACHABLE" });
    const { message } = failure as Error;
    expect(message).toBe(
      "Cannot reach the PostgreSQL at postgresql://postgres:***@127.0.0.1:1/x: " +
        "Can't reach database server at 127.0.0.1:1",
    );
  });

  it("names the embedded database's directory when it cannot be opened", async () => {
    const notADirectory = join(await scratch, "a-file");
    await writeFile(notADirectory, "");

    const failure = await migrationTarget({ kind: "embedded", dataDir: notADirectory })
      .open()
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DatabaseUnreachableError);
    expect((failure as Error).message).toMatch(
      new RegExp(`^Cannot open the embedded PGlite database at ${notADirectory}: `),
    );
  });
});

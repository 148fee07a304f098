/**
 * The embedded database's data directory: one process at a time (the lock), and a new
 * directory starts as a copy of the template npm install prepared.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataDirLockedError, openDatabase } from "../../src/db/index.js";
import { LOCK_FILE_NAME } from "../../src/db/embedded/dataDirLock.js";
import { dataDirTemplatePath } from "../../src/db/embedded/dataDirTemplate.js";

const scratch = mkdtemp(join(tmpdir(), "activelog-datadir-"));
afterAll(async () => rm(await scratch, { recursive: true, force: true }));

async function newDir(name: string): Promise<string> {
  return join(await scratch, name);
}

describe("the embedded data directory", () => {
  it("starts a new directory from the prepared template, and locks it while open", async () => {
    const dataDir = await newDir("fresh");
    const database = await openDatabase({ kind: "embedded", dataDir });
    try {
      const entries = await readdir(dataDir);
      expect(entries).toEqual(expect.arrayContaining(["PG_VERSION", "base", LOCK_FILE_NAME]));
      // The template's archive is for in-memory databases; it is not copied.
      expect(entries).not.toContain("template.tar");
      expect(await readdir(dataDirTemplatePath())).toContain("PG_VERSION");
      const holder = JSON.parse(await readFile(join(dataDir, LOCK_FILE_NAME), "utf8")) as {
        pid: number;
      };
      expect(holder.pid).toBe(process.pid);
    } finally {
      await database.close();
    }
    expect(await readdir(dataDir)).not.toContain(LOCK_FILE_NAME);
  });

  it("refuses a second opening while the first is open, naming the directory and the holder", async () => {
    const dataDir = await newDir("held");
    const first = await openDatabase({ kind: "embedded", dataDir });
    try {
      const second = await openDatabase({ kind: "embedded", dataDir }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(DataDirLockedError);
      expect((second as Error).message).toContain(dataDir);
      expect((second as Error).message).toContain(`in use by process ${process.pid}`);
      // The first is unharmed.
      expect(await first.prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    } finally {
      await first.close();
    }
    const again = await openDatabase({ kind: "embedded", dataDir });
    await again.close();
  });

  it("takes over a lock whose process is gone", async () => {
    const dataDir = await newDir("stale");
    await (await openDatabase({ kind: "embedded", dataDir })).close();
    // A process that has exited: its pid names no running process.
    const child = spawn(process.execPath, ["-e", ""]);
    const deadPid = await new Promise<number>((resolve) =>
      child.once("exit", () => resolve(child.pid!)),
    );
    await writeFile(
      join(dataDir, LOCK_FILE_NAME),
      JSON.stringify({
        pid: deadPid,
        hostname: hostname(),
        processStartedAt: 1,
        command: "killed",
      }),
    );

    const database = await openDatabase({ kind: "embedded", dataDir });
    await database.close();
  });

  it("respects a lock held by another running process", async () => {
    const dataDir = await newDir("other");
    await (await openDatabase({ kind: "embedded", dataDir })).close();
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"]);
    try {
      await writeFile(
        join(dataDir, LOCK_FILE_NAME),
        JSON.stringify({
          pid: other.pid,
          hostname: hostname(),
          processStartedAt: Date.now(),
          command: "node dist/main.js",
        }),
      );
      const refused = await openDatabase({ kind: "embedded", dataDir }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DataDirLockedError);
      expect((refused as Error).message).toContain(
        `in use by process ${other.pid} (node dist/main.js`,
      );
    } finally {
      other.kill("SIGKILL");
    }
  });
});

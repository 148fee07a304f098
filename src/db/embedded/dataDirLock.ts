/**
 * One process at a time per embedded data directory.
 *
 * PGlite has no server to arbitrate: two processes that open one data directory each
 * believe they own it, both confirm writes, and one side's writes are lost when they
 * stop. So the directory is locked while open, by a lock file created exclusively
 * (`O_EXCL`) that names its holder. A second process fails at once, naming the holder,
 * before it writes anything. A lock left by a process that no longer runs (killed, or
 * the machine restarted) is stale and taken over.
 */
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

export const LOCK_FILE_NAME = "activelog.lock";

interface LockHolder {
  pid: number;
  hostname: string;
  /** ms since the epoch when the holding process started. */
  processStartedAt: number;
  command: string;
}

/** Another process holds the data directory. */
export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The embedded database ${dataDir} is in use by process ${holder.pid} ` +
        `(${holder.command}, running since ${new Date(holder.processStartedAt).toISOString()}). ` +
        "One process at a time: stop that one first, or set PGLITE_DATA_DIR to another directory.",
    );
  }
}

export interface DataDirLock {
  /** Removes the lock file (if it is still ours). Safe to call twice. */
  release(): void;
}

const processStartedAt = Math.round(performance.timeOrigin);

function ourHolder(): LockHolder {
  return {
    pid: process.pid,
    hostname: hostname(),
    processStartedAt,
    command: process.argv.slice(1).join(" ").slice(0, 200) || "node",
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when the lock's holder may still be running (and so must be respected). */
function isLive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true; // cannot tell: a shared disk
  if (holder.pid === process.pid) {
    // This process, or an earlier one that had our pid (a container restarted).
    return holder.processStartedAt >= processStartedAt;
  }
  return isRunning(holder.pid);
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    if (typeof holder.pid !== "number") return undefined;
    return {
      pid: holder.pid,
      hostname: String(holder.hostname ?? ""),
      processStartedAt: Number(holder.processStartedAt ?? 0),
      command: String(holder.command ?? "unknown command"),
    };
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

/**
 * Locks `dataDir` (which must exist) for this process, or throws {@link DataDirLockedError}
 * naming the process that holds it. Synchronous: it runs first thing at start, while the
 * event loop is busy loading modules, and must not wait for it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE_NAME);
  const holder = ourHolder();
  const content = `${JSON.stringify(holder)}\n`;
  for (let attempt = 1; ; attempt++) {
    try {
      writeFileSync(path, content, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const existing = readHolder(path);
    if (existing && isLive(existing)) throw new DataDirLockedError(dataDir, existing);
    if (attempt >= 3) {
      throw new Error(`Could not lock the embedded database ${dataDir}: ${path} keeps reappearing`);
    }
    // Stale: its process is gone. Take it over (exclusively, on the next attempt).
    try {
      unlinkSync(path);
    } catch {
      // gone already: the next attempt will tell
    }
  }

  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      const current = readHolder(path);
      if (current?.pid === holder.pid && current.processStartedAt === holder.processStartedAt) {
        try {
          unlinkSync(path);
        } catch {
          // removed by hand meanwhile: nothing to release
        }
      }
    },
  };
}

/**
 * The server as `npm start` runs it: `node dist/main.js` in a process of its own (globalSetup
 * has built dist/), for tests of what only a process shows (signals, exit codes, locks).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "./buildProject.js";
import { TEST_SERVER_ENV } from "./httpServer.js";

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything it wrote, stdout and stderr together. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the port once it logs that it is ready. */
  ready(): Promise<number>;
}

/** Starts `node dist/main.js` with the test servers' settings, on port 0, JSON logs at info, plus `env`. */
export function startServerProcess(
  env: Record<string, string>,
  script = "dist/main.js",
): ServerProcess {
  const child = spawn(process.execPath, [join(projectRoot, script)], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      ...(TEST_SERVER_ENV as Record<string, string>),
      PGLITE_DATA_DIR: "memory://",
      PORT: "0",
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
      ...env,
    },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const server: ServerProcess = {
    child,
    output: () => output,
    exited,
    async ready() {
      return Number((await waitForOutput(server, /"port":(\d+)/))[1]);
    },
  };
  return server;
}

/** Waits until the process's output matches `pattern` (or it exits, or 30 s pass). */
export async function waitForOutput(
  server: ServerProcess,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    const match = pattern.exec(server.output());
    if (match) return match;
    if (exited) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`the server never logged ${pattern}:\n${server.output()}`);
}

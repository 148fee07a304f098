// npm run dev: the server, restarted when a file under src/ (or a package's src/) changes,
// with pretty logs.
//
// On a change it compiles what changed (SWC, milliseconds), stops the running server
// gracefully (SIGTERM: the embedded database closes and unlocks its directory), and starts
// a new one. Type errors are the editor's and `npm run typecheck`'s to report.
import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { join } from "node:path";
import { buildProject, outputDir, sourceDirs } from "./build.mjs";

const say = (line) => console.log(`\x1b[36m[dev]\x1b[0m ${line}`);
const STOP_GRACE_MS = 5_000;

/** @type {import("node:child_process").ChildProcess | undefined} */
let server;

function start() {
  server = spawn(process.execPath, [join(outputDir, "main.js"), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { LOG_FORMAT: "pretty", ...process.env },
  });
  const started = server;
  started.once("exit", (code, signal) => {
    if (server === started && !restarting) {
      say(`server exited (${signal ?? `code ${code}`}); waiting for a change to restart it`);
      server = undefined;
    }
  });
}

function stop() {
  const running = server;
  server = undefined;
  if (!running || running.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => running.kill("SIGKILL"), STOP_GRACE_MS);
    running.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    running.kill("SIGTERM");
  });
}

let restarting = false;
let pending = false;
async function restart(reason) {
  if (restarting) {
    pending = true;
    return;
  }
  restarting = true;
  try {
    const since = performance.now();
    const { compiled, removed } = await buildProject();
    if (compiled === 0 && removed === 0 && server) return;
    say(`${reason}: restarting (${compiled} file${compiled === 1 ? "" : "s"} compiled)`);
    await stop();
    start();
    say(
      `restarted in ${Math.round(performance.now() - since)} ms (the server logs when it is ready)`,
    );
  } catch (error) {
    say(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    restarting = false;
    if (pending) {
      pending = false;
      void restart("more changes");
    }
  }
}

await buildProject({ log: say });
start();
say("watching src/ and packages/*/src/ (Ctrl-C to stop)");

let debounce;
for (const sourceDir of sourceDirs) {
  watch(sourceDir, { recursive: true }, (_event, file) => {
    if (!file || /(^|\/)generated\//.test(file)) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void restart(`${file} changed`), 50);
  });
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await stop();
    process.exit(0);
  });
}

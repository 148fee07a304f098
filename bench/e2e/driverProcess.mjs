// Starts bench/e2e/driver.mjs in a process of its own and drives it over IPC: for
// bench:e2e (one in-process contender per process) and bench:broker-ab (two in one).
import { fork } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../scripts/build.mjs";

/**
 * Forks the driver for `kind` (a contender of driver.mjs, or several, comma-separated) on
 * the database at `url` with a pool of `poolSize`. Resolves once it is ready, with its pid,
 * `run(options)` (resolves with the run's result) and `stop()`.
 */
export async function startDriver(kind, url, poolSize) {
  const child = fork(join(projectRoot, "bench/e2e/driver.mjs"), [kind], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, DATABASE_URL: url, DATABASE_POOL_SIZE: String(poolSize) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let waiting;
  const next = () => new Promise((resolve, reject) => (waiting = { resolve, reject }));
  child.on("message", (message) => waiting?.resolve(message.result));
  // A send to a driver that has gone (stopped by a signal meanwhile) fails its run.
  child.on("error", (error) => waiting?.reject(error));
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => {
      waiting?.reject(new Error(`the ${kind} driver exited with ${code ?? signal}`));
      resolve();
    }),
  );
  const ready = next();
  await ready;
  return {
    pid: child.pid,
    run(options) {
      const result = next();
      child.send({ type: "run", ...options });
      return result;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: "close" }, () => {});
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

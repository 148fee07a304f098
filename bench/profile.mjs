// npm run bench:profile: where a contender of `npm run bench:e2e` spends its CPU. Starts
// the contender (the API or the peer over HTTP, or the broker / $transaction by hand
// in-process) on a database of its own with V8's CPU profiler on, loads it at `--clients`
// for `--seconds`, stops it, and prints its self time per operation grouped by what the
// code belongs to (a package, Node's internals, V8's builtins, the garbage collector, this
// project's folders), then the heaviest functions. The .cpuprofile stays in
// bench/results/ for Chrome DevTools or speedscope.
//
//   npm run bench:profile -- --target api --operation createActivity [--clients 16 --seconds 15]
//   targets: api, peer (operations createActivity, me); broker, prisma (createActivity)
import { fork } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { buildProject, projectRoot } from "../scripts/build.mjs";
import { createMigratedDatabase, dropDatabases, seedUsers } from "./e2e/databases.mjs";
import { graphql, loadHttp, startServer } from "./e2e/http.mjs";

const { values } = parseArgs({
  options: {
    target: { type: "string", default: "api" },
    operation: { type: "string", default: "createActivity" },
    clients: { type: "string", default: "16" },
    seconds: { type: "string", default: "15" },
    warmup: { type: "string", default: "3" },
    top: { type: "string", default: "25" },
  },
});
const { target, operation } = values;
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const OPERATIONS = {
  createActivity: `mutation { createActivity(input: {type: "run", title: "bench"}) { activity { id } } }`,
  me: "{ me { email } }",
};
const httpTargets = { api: "dist/main.js", peer: "bench/peer/server.mjs" };
const inProcessTargets = ["broker", "prisma"];
if (
  !(target in httpTargets || inProcessTargets.includes(target)) ||
  !(operation in OPERATIONS) ||
  (!(target in httpTargets) && operation !== "createActivity")
) {
  console.error(
    "Usage: npm run bench:profile -- --target api|peer|broker|prisma --operation createActivity|me",
  );
  process.exit(2);
}
/** The target idles this long after the load before it is stopped: where the profile is cut. */
const IDLE_AFTER_LOAD_MS = 1000;
const log = (line) => console.error(`[profile] ${line}`);

/** Groups a profile node's code: a package, node's internals, V8, or this project's folder. */
function groupOf({ url, functionName }) {
  if (!url) {
    if (functionName.startsWith("(")) return functionName; // (garbage collector), (program), (idle)
    return "V8 builtins and native";
  }
  if (url.startsWith("node:")) return "node internals";
  const modules = url.lastIndexOf("/node_modules/");
  if (modules !== -1) {
    const rest = url.slice(modules + "/node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const path = relative(projectRoot, new URL(url).pathname);
  const parts = path.split("/");
  if (parts[0] === "dist" && parts[1] === "generated") return "dist/generated (Prisma client)";
  return parts.length > 2 ? parts.slice(0, 2).join("/") : path;
}

/** Self time per node of a .cpuprofile, in ms. */
function selfTimes(profile) {
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return self;
}

function summarize(profile, operations) {
  const self = selfTimes(profile);
  const groups = new Map();
  const functions = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (node.callFrame.functionName === "(idle)") continue;
    total += ms;
    const group = groupOf(node.callFrame);
    groups.set(group, (groups.get(group) ?? 0) + ms);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${groupOf(node.callFrame)}:${url.split("/").pop()}:${lineNumber + 1}` : "";
    const key = `${functionName || "(anonymous)"} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + ms);
  }
  const perOp = (ms) => ((ms / operations) * 1000).toFixed(1).padStart(7);
  const lines = [
    `${operations} operations; busy CPU (not idle) ${(total / operations).toFixed(3)} ms/op`,
    "",
    "µs/op   share  group",
  ];
  for (const [group, ms] of [...groups].sort((a, b) => b[1] - a[1])) {
    if (ms / total < 0.003) continue;
    lines.push(`${perOp(ms)}  ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${group}`);
  }
  lines.push("", `heaviest functions (self time), µs/op`);
  for (const [name, ms] of [...functions]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(values.top))) {
    lines.push(`${perOp(ms)}  ${name}`);
  }
  return lines.join("\n");
}

async function main() {
  await buildProject({ log });
  const resultsDir = join(projectRoot, "bench/results");
  const profileDir = join(resultsDir, `profile-${target}-${operation}-${process.pid}`);
  await mkdir(profileDir, { recursive: true });
  const database = `activelog_bench_profile_${process.pid}`;
  const url = await createMigratedDatabase(database, { projectRoot });
  const profiling = `--cpu-prof --cpu-prof-dir=${profileDir} --cpu-prof-interval=200`;
  let stop = async () => {};
  let operations;
  try {
    const users = await seedUsers(url, clients);
    if (target in httpTargets) {
      const env = {
        NODE_ENV: "production",
        LOG_LEVEL: "warn",
        LOG_FORMAT: "json",
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: "10",
        SHUTDOWN_DELAY_MS: "0",
      };
      const server = await startServer(join(projectRoot, httpTargets[target]), env, {
        cwd: projectRoot,
        execArgv: profiling.split(" "),
      });
      stop = server.stop;
      const tokens = users.map((user) => user.token);
      const answer = await graphql(server.url, OPERATIONS[operation], { token: tokens[0] });
      if (answer.errors) throw new Error(`${target} answered ${JSON.stringify(answer)}`);
      const body = JSON.stringify({ query: OPERATIONS[operation] });
      log(`warm-up ${warmup} s, then ${seconds} s at ${clients} clients`);
      await loadHttp({ url: server.url, body, tokens, seconds: warmup });
      const result = await loadHttp({ url: server.url, body, tokens, seconds });
      operations = result.ok;
      await sleep(IDLE_AFTER_LOAD_MS);
    } else {
      const child = fork(join(projectRoot, "bench/e2e/driver.mjs"), [target], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH, DATABASE_URL: url, DATABASE_POOL_SIZE: "10" },
        execArgv: profiling.split(" "),
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      const next = () => new Promise((resolve) => child.once("message", resolve));
      await next();
      const userIds = users.map((user) => user.userId);
      log(`warm-up ${warmup} s, then ${seconds} s at ${clients} clients`);
      child.send({ type: "run", concurrency: clients, seconds: warmup, userIds });
      await next();
      child.send({ type: "run", concurrency: clients, seconds, userIds });
      const { result } = await next();
      operations = result.ok;
      await sleep(IDLE_AFTER_LOAD_MS);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      stop = async () => {
        child.send({ type: "close" });
        await exited;
      };
    }
  } finally {
    await stop();
    await dropDatabases([database]).catch(() => {});
  }
  const [file] = (await readdir(profileDir)).filter((name) => name.endsWith(".cpuprofile"));
  const profile = JSON.parse(await readFile(join(profileDir, file), "utf8"));
  // Only the measured window: samples after the warm-up ended, up to the load's end.
  const trimmed = trimToLastWindow(profile, seconds);
  // The measured window alone, for a closer look (DevTools, speedscope, or a diff of two).
  const measuredFile = join(profileDir, `measured-${operations}-ops.cpuprofile`);
  await writeFile(measuredFile, JSON.stringify(trimmed));
  console.log(
    `## ${target} ${operation}, ${clients} clients, ${seconds} s (Node ${process.version})\n`,
  );
  console.log(summarize(trimmed, operations));
  console.log(
    `\nprofiles: ${relative(projectRoot, profileDir)}/ (whole run, and the measured window)`,
  );
  if (process.env.KEEP_PROFILE === "0") await rm(profileDir, { recursive: true });
}

/**
 * The profile's samples from the last `seconds` of activity before the process went idle
 * for good (the measured load), so that start-up, the warm-up and shutdown are left out.
 */
function trimToLastWindow(profile, windowSeconds) {
  const idleId = profile.nodes.find((node) => node.callFrame.functionName === "(idle)")?.id;
  const times = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((t += delta));
  let end = times.length - 1;
  // The load ended where the last long busy stretch ended: walk back over the idle tail and shutdown.
  let idleRun = 0;
  for (let i = times.length - 1; i > 0; i--) {
    if (profile.samples[i] === idleId) idleRun += times[i] - times[i - 1];
    else if (idleRun > (IDLE_AFTER_LOAD_MS / 2) * 1000) {
      end = i;
      break;
    } else idleRun = 0;
  }
  const start = times[end] - windowSeconds * 1e6;
  const keep = times.map((time, i) => i <= end && time >= start);
  return {
    ...profile,
    samples: profile.samples.filter((_, i) => keep[i]),
    timeDeltas: profile.timeDeltas.filter((_, i) => keep[i]),
  };
}

await main();

// npm run bench:instructions: createActivity counted in CPU instructions, not time, so that
// what a runner of steps costs can be told apart on a noisy machine. Runs the in-process
// contenders of `npm run bench:e2e` (bench/e2e/driver.mjs) under valgrind's callgrind, two
// at a time, each on a database of its own, with V8 `--single-threaded` (its garbage
// collection and compilation then run on the main thread and are counted too), and prints
// instructions per run and the ratio to the hand-written transaction. Two runs of the same
// build back to back agree within 0.2%, runs at other times within about 3%, and a change
// to the code moves when V8's collections and compilations fall, which moves the counts by
// 2-5% (bench/README.md, "How close the broker can get"). Needs valgrind (Debian: apt-get
// install valgrind). About 12 minutes.
//
//   npm run bench:instructions [-- --targets prisma,steps,broker --runs 6000 --warmup 8000 --clients 10]
//
// Targets: prisma (the statements by hand in prisma.$transaction), steps (the workflow's
// use cases called in a bare loop in database.transactions, the broker's transactions),
// broker (broker.run), raw (pg by hand).
import { execFile, execFileSync } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { buildProject, projectRoot } from "../scripts/build.mjs";
import { createMigratedDatabase, dropDatabases, seedUsers } from "./e2e/databases.mjs";

const { values } = parseArgs({
  options: {
    targets: { type: "string", default: "prisma,steps,broker" },
    runs: { type: "string", default: "6000" },
    warmup: { type: "string", default: "8000" },
    clients: { type: "string", default: "10" },
  },
});
const targets = values.targets.split(",");
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const clients = Number(values.clients);
const known = ["raw", "prisma", "steps", "broker"];
if (
  !targets.every((target) => known.includes(target)) ||
  !(runs > 0 && warmup >= 0 && clients >= 1)
) {
  console.error(
    `Usage: npm run bench:instructions [-- --targets ${known.join(",")} --runs N --warmup N --clients N]`,
  );
  process.exit(2);
}
try {
  execFileSync("valgrind", ["--version"], { stdio: "ignore" });
} catch {
  console.error("bench:instructions needs valgrind on the PATH (Debian: apt-get install valgrind)");
  process.exit(2);
}
/** The drivers' pool: as bench:e2e's, and no larger than the number of clients. */
const POOL_SIZE = 10;
const log = (line) => console.error(`[instructions] ${line}`);

/** Instructions per run of `target`, on a database of its own. */
async function count(target) {
  const name = `activelog_bench_instructions_${process.pid}_${target}`;
  const url = await createMigratedDatabase(name, { projectRoot });
  const outFile = join(tmpdir(), `${name}.callgrind`);
  try {
    const userIds = (await seedUsers(url, clients)).map((user) => user.userId);
    log(`${target}: ${warmup} runs of warm-up, then ${runs} counted (several minutes)`);
    const { stdout } = await promisify(execFile)(
      "valgrind",
      [
        "--tool=callgrind",
        "--instr-atstart=no",
        `--callgrind-out-file=${outFile}`,
        process.execPath,
        "--single-threaded",
        join(projectRoot, "bench/e2e/driver.mjs"),
        target,
      ],
      {
        cwd: projectRoot,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: url,
          DATABASE_POOL_SIZE: String(Math.min(POOL_SIZE, clients)),
          BENCH_COUNT_RUNS: String(runs),
          BENCH_WARMUP_RUNS: String(warmup),
          BENCH_CLIENTS: String(clients),
          BENCH_USER_IDS: userIds.join(","),
        },
      },
    );
    const totals = /^totals: (\d+)$/m.exec(await readFile(outFile, "utf8"))?.[1];
    if (totals === undefined) throw new Error(`no totals in ${outFile}`);
    const { failed } = JSON.parse(/^\{"failed".*$/m.exec(stdout)?.[0] ?? '{"failed":null}');
    if (failed !== 0) log(`${target}: ${failed ?? "an unknown number of"} runs failed`);
    return { instructions: Number(totals) / runs, failed };
  } finally {
    await rm(outFile, { force: true });
    await dropDatabases([name]);
  }
}

const built = await buildProject({ log });
if (built.compiled) log(`dist/ built (${built.compiled} files)`);
const perRun = {};
// Two at a time: instructions do not depend on what else runs.
for (let at = 0; at < targets.length; at += 2) {
  const pair = targets.slice(at, at + 2);
  const counted = await Promise.all(pair.map(count));
  pair.forEach((target, i) => (perRun[target] = counted[i]));
}
const base = perRun.prisma?.instructions;
console.log(
  `createActivity, instructions per run (callgrind, V8 --single-threaded, ${clients} clients, ` +
    `${runs} runs after ${warmup}; Node ${process.version}):\n`,
);
console.log(
  "| target | instructions per run | over by hand | failed runs |\n| --- | ---: | ---: | ---: |",
);
for (const target of targets) {
  const { instructions, failed } = perRun[target];
  const over =
    base === undefined || target === "prisma"
      ? ""
      : `${((instructions / base - 1) * 100).toFixed(1)}%`;
  console.log(`| ${target} | ${(instructions / 1e6).toFixed(3)} M | ${over} | ${failed ?? "?"} |`);
}

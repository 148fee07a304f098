// npm run bench:broker-ab: broker.run against the same statements in a hand-written
// prisma.$transaction, both in ONE process, alternating. bench:e2e runs each in a process of
// its own, and processes differ from one another by several per cent (JIT, heap layout,
// where the scheduler puts them), which is as much as the difference being measured; here
// both share one process, one database and one warm-up, and take turns of `--seconds`,
// the order swapped every other round. Prints, per client count, the medians (min-max)
// over the rounds of broker / by hand for throughput and CPU per run. Reports; never fails
// on a number. About 2 minutes with the defaults.
//
//   npm run bench:broker-ab [-- --rounds 14 --seconds 2 --clients 1,16]
import { parseArgs } from "node:util";
import { buildProject, projectRoot } from "../scripts/build.mjs";
import { createMigratedDatabase, dropDatabases, seedUsers } from "./e2e/databases.mjs";
import { startDriver } from "./e2e/driverProcess.mjs";
import { ratioCell, ratios } from "./e2e/report.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "14" },
    seconds: { type: "string", default: "2" },
    clients: { type: "string", default: "1,16" },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const clientCounts = values.clients.split(",").map(Number);
if (!(rounds >= 1 && seconds > 0 && clientCounts.every((n) => n >= 1))) {
  console.error("Usage: npm run bench:broker-ab [-- --rounds N --seconds S --clients 1,16]");
  process.exit(2);
}
/** The drivers' pool, as in bench:e2e. */
const POOL_SIZE = 10;
const log = (line) => console.error(`[broker-ab] ${line}`);

await buildProject({ log });
const name = `activelog_bench_broker_ab_${process.pid}`;
const url = await createMigratedDatabase(name, { projectRoot });
let driver;
try {
  const userIds = (await seedUsers(url, Math.max(...clientCounts))).map((user) => user.userId);
  driver = await startDriver("prisma,broker", url, POOL_SIZE);
  const run = (of, concurrency, runSeconds) =>
    driver.run({ of, concurrency, seconds: runSeconds, userIds });
  console.log(
    `broker.run / the same statements in prisma.$transaction by hand, in one process ` +
      `(${rounds} rounds of ${seconds} s each; Node ${process.version}):\n`,
  );
  console.log(
    "| clients | throughput | CPU per run | failed runs |\n| ---: | ---: | ---: | ---: |",
  );
  for (const concurrency of clientCounts) {
    // Warm-up: both, at this concurrency, before anything counts.
    for (const of of ["prisma", "broker", "prisma", "broker"]) await run(of, concurrency, 1);
    // Samples as bench:e2e's, so that its report computes the ratios round by round.
    const samples = [];
    let failed = 0;
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? ["prisma", "broker"] : ["broker", "prisma"];
      for (const of of order) {
        const result = await run(of, concurrency, seconds);
        samples.push({
          round,
          clients: concurrency,
          workload: of,
          opsPerSec: result.ok / (result.elapsedMs / 1000),
          cpuMsPerOp: result.cpuMs / result.ok,
        });
        for (const times of Object.values(result.errors)) failed += times;
      }
      log(`${concurrency} clients, round ${round}/${rounds}`);
    }
    const [ratio] = ratios(samples, [{ a: "broker", b: "prisma", clients: concurrency }]);
    console.log(
      `| ${concurrency} | ${ratioCell(ratio.throughput)} | ${ratioCell(ratio.cpuPerOp)} | ${failed} |`,
    );
  }
} finally {
  await driver?.stop();
  await dropDatabases([name]);
}

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
import { spread } from "./e2e/measure.mjs";

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
const cell = (values) => {
  const { median, min, max } = spread(values);
  return `${median.toFixed(2)} (${min.toFixed(2)}-${max.toFixed(2)})`;
};

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
    const throughput = [];
    const cpu = [];
    let failed = 0;
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? ["prisma", "broker"] : ["broker", "prisma"];
      const result = {};
      for (const of of order) result[of] = await run(of, concurrency, seconds);
      const perSecond = (r) => r.ok / (r.elapsedMs / 1000);
      throughput.push(perSecond(result.broker) / perSecond(result.prisma));
      cpu.push(result.broker.cpuMs / result.broker.ok / (result.prisma.cpuMs / result.prisma.ok));
      for (const r of Object.values(result)) {
        for (const times of Object.values(r.errors)) failed += times;
      }
      log(`${concurrency} clients, round ${round}/${rounds}: ${throughput.at(-1).toFixed(2)}`);
    }
    console.log(`| ${concurrency} | ${cell(throughput)} | ${cell(cpu)} | ${failed} |`);
  }
} finally {
  await driver?.stop();
  await dropDatabases([name]);
}

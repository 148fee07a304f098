// npm run bench:broker-overhead: what broker.run itself costs, without a database. The
// createActivity workflow's shape (three steps, each returning a small object) runs through
// a client whose $transaction just calls the callback, beside the same three steps by hand,
// at 16 concurrent runs. Prints, per run: CPU (µs), and the bytes allocated, counted in a
// process of their own whose young generation is large enough that nothing is collected
// meanwhile. What a database run costs on top is for `npm run bench:e2e` and
// `npm run bench:profile` to show.
//
//   npm run bench:broker-overhead
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildProject } from "../scripts/build.mjs";

const RUNS = 50_000;
const CONCURRENCY = 16;
const mode = process.argv[2];

if (mode !== "--cpu" && mode !== "--bytes") {
  await buildProject({ log: (line) => console.error(line) });
  const script = fileURLToPath(import.meta.url);
  const measureIn = (flags, childMode) =>
    JSON.parse(
      spawnSync(process.execPath, [...flags, script, childMode], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      }).stdout,
    );
  const cpu = measureIn([], "--cpu");
  // A 256 MiB young generation, emptied first: no collection while the bytes are counted.
  const bytes = measureIn(
    ["--expose-gc", "--min-semi-space-size=256", "--max-semi-space-size=256"],
    "--bytes",
  );
  console.log(`| per run (${CONCURRENCY} at a time) | CPU µs | bytes allocated |`);
  console.log("| --- | ---: | ---: |");
  for (const name of Object.keys(cpu)) {
    console.log(`| ${name} | ${cpu[name].toFixed(1)} | ${bytes[name].toFixed(0)} |`);
  }
  process.exit(0);
}

const { createBroker, defineUseCase, defineWorkflow } = await import("../dist/broker/index.js");
const tx = {};
const client = { $transaction: (fn) => Promise.resolve().then(() => fn(tx)) };
const steps = [
  defineUseCase({
    name: "CreateActivity",
    run: async (input) => ({ activity: { id: "a", title: input.title } }),
  }),
  defineUseCase({
    name: "SendNotification",
    run: async () => ({ notificationId: null, notificationSent: false }),
  }),
  defineUseCase({
    name: "UpdateStats",
    run: async () => ({ statsUpdated: true, totalActivities: 1 }),
  }),
];
const workflow = defineWorkflow()("createActivity", steps, { timeout: 5_000 });
const broker = createBroker({ client, workflows: [workflow], refuseNestedRuns: false });
const input = { userId: "u", type: "run", title: "t", activityDate: new Date() };
const signal = new AbortController().signal;

const contenders = {
  "by hand": () =>
    client.$transaction(async (t) => {
      const first = await steps[0].run(input, { tx: t });
      const second = await steps[1].run({ ...input, ...first }, { tx: t });
      const third = await steps[2].run({ ...input, ...first, ...second }, { tx: t });
      return { ...first, ...second, ...third };
    }),
  "broker.run": () => broker.run(workflow, input),
  "broker.run, as the API calls it": () =>
    broker.run(workflow, input, { signal, dryRun: false, caller: "u" }),
};

async function measure(run, runs) {
  let started = 0;
  const cpu = process.cpuUsage();
  const heap = process.memoryUsage().heapUsed;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (started < runs) {
        started += 1;
        await run();
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    cpuMicros: (used.user + used.system) / runs,
    bytes: (process.memoryUsage().heapUsed - heap) / runs,
  };
}

const results = {};
for (const [name, run] of Object.entries(contenders)) {
  await measure(run, 2_000); // warm-up
  if (mode === "--cpu") {
    results[name] = (await measure(run, RUNS)).cpuMicros;
  } else {
    globalThis.gc();
    results[name] = (await measure(run, 4_000)).bytes;
  }
}
console.log(JSON.stringify(results));

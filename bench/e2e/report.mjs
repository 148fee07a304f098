// The summary of `npm run bench:e2e`: medians and spreads over rounds, ratios of paired
// runs (same round, same client count), and the Markdown that shows them.
import { spread } from "./measure.mjs";

/** Per workload and client count: median (min-max) of each measure over the rounds. */
export function summarize(samples, workloads, clientCounts) {
  const rows = [];
  for (const concurrency of clientCounts) {
    for (const workload of workloads) {
      const runs = samples.filter((s) => s.workload === workload.id && s.clients === concurrency);
      const errors = {};
      for (const run of runs) {
        for (const [key, count] of Object.entries(run.errors)) {
          errors[key] = (errors[key] ?? 0) + count;
        }
      }
      rows.push({
        workload: workload.id,
        contender: workload.contender,
        operation: workload.operation,
        clients: concurrency,
        rounds: runs.length,
        opsPerSec: spread(runs.map((r) => r.opsPerSec)),
        p50Ms: spread(runs.map((r) => r.p50Ms)),
        p99Ms: spread(runs.map((r) => r.p99Ms)),
        cpuMsPerOp: spread(runs.map((r) => r.cpuMsPerOp)),
        pgCpuMsPerOp: spread(runs.map((r) => r.pgCpuMsPerOp)),
        ok: runs.reduce((sum, r) => sum + r.ok, 0),
        errors,
      });
    }
  }
  return rows;
}

/** Ratios a/b of throughput, p50 and CPU per op, computed round by round (paired runs), then their spread. */
export function ratios(samples, pairs) {
  return pairs.map(({ label, a, b, clients }) => {
    const per = (measure) =>
      spread(
        [...new Set(samples.map((s) => s.round))].map((round) => {
          const find = (workload) =>
            samples.find(
              (s) => s.round === round && s.clients === clients && s.workload === workload,
            );
          const [x, y] = [find(a)?.[measure], find(b)?.[measure]];
          return x != null && y ? x / y : null;
        }),
      );
    return {
      label,
      a,
      b,
      clients,
      throughput: per("opsPerSec"),
      p50: per("p50Ms"),
      cpuPerOp: per("cpuMsPerOp"),
    };
  });
}

const digits = (x) => (x >= 100 ? 0 : x >= 10 ? 1 : x >= 1 ? 2 : 3);
const number = (x) => (x == null ? "n/a" : x.toFixed(digits(Math.abs(x))));
/** "median (min-max)", or n/a. */
function cell(s, format = number) {
  if (!s) return "n/a";
  return s.min === s.max
    ? format(s.median)
    : `${format(s.median)} (${format(s.min)}-${format(s.max)})`;
}
/** A ratio's spread as "median (min-max)", two decimals. */
export const ratioCell = (s) => cell(s, (x) => x.toFixed(2));

export function markdown({ meta, labels, summary, ratioRows, memory, checks }) {
  const lines = [];
  const load = (l) => l.map((x) => x.toFixed(2)).join(" / ");
  lines.push(
    `Measured ${meta.date} on ${meta.cpus}x ${meta.cpuModel}, ${meta.platform}, Node ${meta.node}, ` +
      `PostgreSQL ${meta.postgres} on loopback. Load average (1 / 5 / 15 min): ${load(meta.loadBefore)} ` +
      `before, ${load(meta.loadAfter)} after. ${meta.rounds} interleaved rounds of ${meta.seconds} s per ` +
      `contender and client count (after a ${meta.warmup} s warm-up each); a pool of ` +
      `${meta.poolSize} connections everywhere; each client is a user of its own. The run took ` +
      `${meta.durationText}.`,
    "",
    "Each cell: median over the rounds (min-max). CPU ms/op: the contender's process only " +
      "(the server's, or the driver's for in-process contenders); PG ms/op: the PostgreSQL " +
      "backends serving its database.",
    "",
    "| contender | operation | clients | ops/s | p50 ms | p99 ms | CPU ms/op | PG ms/op | errors |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const row of summary) {
    const errors = Object.values(row.errors).reduce((a, b) => a + b, 0);
    const errorText = errors ? `${errors} ${JSON.stringify(row.errors)}` : "0";
    lines.push(
      `| ${labels[row.contender]} | ${row.operation} | ${row.clients} | ${cell(row.opsPerSec)} | ` +
        `${cell(row.p50Ms)} | ${cell(row.p99Ms)} | ${cell(row.cpuMsPerOp)} | ${cell(row.pgCpuMsPerOp)} | ${errorText} |`,
    );
  }
  lines.push(
    "",
    "Ratios, round by round (median (min-max)). Throughput: below 1, the first is slower. " +
      "p50 and CPU per op: above 1, the first takes longer / uses more.",
    "",
    "| ratio | clients | throughput | p50 latency | CPU per op |",
    "| --- | ---: | ---: | ---: | ---: |",
  );
  for (const r of ratioRows) {
    lines.push(
      `| ${r.label} | ${r.clients} | ${ratioCell(r.throughput)} | ${ratioCell(r.p50)} | ${ratioCell(r.cpuPerOp)} |`,
    );
  }
  lines.push(
    "",
    "| RSS (MiB) | after warm-up | after the rounds | operations served then | RSS at the same request count |",
    "| --- | ---: | ---: | ---: | ---: |",
  );
  for (const m of memory) {
    const fixed = m.fixedCount ? `${number(m.fixedCount.rssMb)} after ${m.fixedCount.served}` : "";
    lines.push(
      `| ${labels[m.contender]} | ${number(m.afterWarmup)} | ${number(m.afterRounds)} | ` +
        `${m.servedAfterRounds} | ${fixed} |`,
    );
  }
  for (const m of memory.filter((m) => m.signUp)) {
    lines.push(
      "",
      `${labels[m.contender]}: RSS ${number(m.signUp.rssBefore)} MiB once it answered, ` +
        `${number(m.signUp.rssAfter)} MiB after its one sign-up (scrypt at N=2^17 takes 128 MiB while it runs).`,
    );
  }
  if (checks.length) lines.push("", `Checks: ${checks.join("; ")}.`);
  return lines.join("\n");
}

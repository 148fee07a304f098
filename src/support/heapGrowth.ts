import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the old generation grow past what survived its last full collection,
 * in percent. V8's own factor grows the heap up to 4x under a high allocation rate: the
 * API then sat at about 285 MiB RSS after 20,000 requests on PostgreSQL (heap 160 MiB,
 * 50-70 MiB of it live). At 50% it stayed near 220 MiB, but ran a full collection about
 * twice a second under load; at 75%, interleaved A/B runs took 6-20% less CPU per
 * request than at 50% (`me` and createActivity, 16 clients), at no RSS the runs could
 * tell apart (bench/README.md, "Memory").
 */
export const HEAP_GROWING_PERCENT = 75;

/**
 * Sets V8's heap growing factor for this process, unless the command line or NODE_OPTIONS
 * sets it already (an operator's choice wins). V8 reads the flag at each full
 * collection, so setting it once the process runs takes effect.
 */
export function limitHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some(
    (argument) => /^--heap[-_]growing[-_]percent\b/.test(argument),
  );
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the old generation grow past what survived its last full collection,
 * in percent, by the database the server runs on. V8's own factor grows the heap up to 4x
 * under a high allocation rate: the API then sat at about 285 MiB RSS after 20,000
 * requests on PostgreSQL (heap 160 MiB, 50-70 MiB of it live).
 *
 * - PostgreSQL: 65. At 50 the API stayed near 220 MiB, but ran a full collection about
 *   twice a second under load; at 65 and at 75, interleaved A/B runs took about 5% less
 *   CPU per createActivity request than at 50, and 75 held 20-30 MiB more RSS than 65.
 * - The embedded database: 50. PGlite's WebAssembly memory, which never shrinks, takes
 *   most of that server's RSS; at 65 it went past its 400 MiB budget (401-416 MiB after
 *   14,000 createActivity, against 370 at 50).
 *
 * bench/README.md, "Memory", has the runs.
 */
export const HEAP_GROWING_PERCENT = { postgres: 65, embedded: 50 } as const;

/**
 * Sets V8's heap growing factor for this process, for a server on `database`, unless the
 * command line sets it already (`node --heap-growing-percent=100 dist/main.js`: an
 * operator's choice wins; Node does not take the flag from NODE_OPTIONS). V8 reads the
 * flag at each full collection, so setting it once the process runs takes effect.
 */
export function limitHeapGrowth(database: keyof typeof HEAP_GROWING_PERCENT): void {
  const given = process.execArgv.some((argument) =>
    /^--heap[-_]growing[-_]percent\b/.test(argument),
  );
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT[database]}`);
}

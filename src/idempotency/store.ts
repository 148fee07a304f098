/**
 * The broker's idempotency store in PostgreSQL (and PGlite): the `idempotency_keys` table.
 * A run's result is written by the run's own transaction, so it exists exactly when the
 * run's writes do; the primary key (caller, key) makes two runs with one key exclusive:
 * the second one's insert waits for the first's transaction and, when it committed,
 * finds its row instead.
 */
import superjson, { type SuperJSONResult } from "superjson";
import type { IdempotencyKey, IdempotencyStore, StoredRun } from "../broker/index.js";
import type { PrismaClient, TransactionClient } from "../db/index.js";

/** How long a stored result answers repeats, unless configured: 24 hours. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

interface StoredRow {
  workflow: string;
  fingerprint: string;
  output: SuperJSONResult;
}

function fromRow(row: StoredRow): StoredRun {
  return {
    workflow: row.workflow,
    fingerprint: row.fingerprint,
    output: superjson.deserialize<object>(row.output),
  };
}

/** The broker's store of results, kept `ttlMs` after the run committed. */
export function createIdempotencyStore(
  prisma: PrismaClient,
  options: { ttlMs: number },
): IdempotencyStore<TransactionClient> {
  const { ttlMs } = options;
  const storedUnder = async (client: PrismaClient | TransactionClient, key: IdempotencyKey) => {
    const rows = await client.$queryRaw<StoredRow[]>`
      SELECT workflow, fingerprint, output FROM idempotency_keys
      WHERE caller = ${key.caller} AND key = ${key.key} AND expires_at > now()`;
    return rows[0] ? fromRow(rows[0]) : undefined;
  };
  return {
    find: (key) => storedUnder(prisma, key),
    async save(tx, key, run) {
      const output = JSON.stringify(superjson.serialize(run.output));
      // An expired row is replaced; a live one (committed meanwhile) is left alone.
      const inserted = await tx.$queryRaw<unknown[]>`
        INSERT INTO idempotency_keys (caller, key, workflow, fingerprint, output, expires_at)
        VALUES (${key.caller}, ${key.key}, ${run.workflow}, ${run.fingerprint},
                ${output}::jsonb, now() + ${ttlMs} * interval '1 millisecond')
        ON CONFLICT (caller, key) DO UPDATE SET
          workflow = EXCLUDED.workflow, fingerprint = EXCLUDED.fingerprint,
          output = EXCLUDED.output, created_at = now(), expires_at = EXCLUDED.expires_at
        WHERE idempotency_keys.expires_at <= now()
        RETURNING 1`;
      if (inserted.length === 1) return undefined;
      return storedUnder(tx, key);
    },
  };
}

/**
 * Deletes expired rows, at most `batchSize` per statement and `maxBatches` statements per
 * call, so that a large backlog never holds locks or a connection for long. Resolves with
 * how many rows it deleted.
 */
export async function purgeExpiredIdempotencyKeys(
  prisma: PrismaClient,
  options: { batchSize: number; maxBatches: number },
): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < options.maxBatches; batch++) {
    const count = await prisma.$executeRaw`
      DELETE FROM idempotency_keys WHERE (caller, key) IN (
        SELECT caller, key FROM idempotency_keys WHERE expires_at <= now()
        LIMIT ${options.batchSize})`;
    deleted += count;
    if (count < options.batchSize) break;
  }
  return deleted;
}

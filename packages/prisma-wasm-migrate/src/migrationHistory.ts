/**
 * Reads Prisma's migration history table, `_prisma_migrations`, which the schema engine
 * creates and writes. Rows, as Prisma writes them:
 * - applied:     finished_at set, rolled_back_at NULL
 * - failed:      finished_at NULL, rolled_back_at NULL, the error in `logs`
 * - rolled back: rolled_back_at set (kept as an audit trail, otherwise ignored)
 */
import type { SqlQueryable } from "@prisma/driver-adapter-utils";

export interface MigrationHistoryRow {
  migrationName: string;
  checksum: string;
  /** UTC, e.g. `2026-11-29 09:00:00.000 UTC`. */
  startedAt: string;
  finishedAt: string | null;
  rolledBackAt: string | null;
  logs: string | null;
}

export type MigrationState = "applied" | "failed" | "rolled back";

export function migrationState(row: MigrationHistoryRow): MigrationState {
  if (row.rolledBackAt !== null) return "rolled back";
  return row.finishedAt === null ? "failed" : "applied";
}

const utc = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || ' UTC'`;

/** The table's rows in the order they were started; empty when the table does not exist. */
export async function readMigrationHistory(
  connection: SqlQueryable,
): Promise<MigrationHistoryRow[]> {
  const exists = await connection.queryRaw({
    sql: `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL`,
    args: [],
    argTypes: [],
  });
  if (exists.rows[0]?.[0] !== true) return [];

  const result = await connection.queryRaw({
    sql:
      `SELECT migration_name, checksum, ${utc("started_at")}, ${utc("finished_at")}, ` +
      `${utc("rolled_back_at")}, logs FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
    args: [],
    argTypes: [],
  });
  return result.rows.map((row) => {
    const [migrationName, checksum, startedAt, finishedAt, rolledBackAt, logs] = row as [
      string,
      string,
      string,
      string | null,
      string | null,
      string | null,
    ];
    return { migrationName, checksum, startedAt, finishedAt, rolledBackAt, logs };
  });
}

/**
 * How a migration script reaches the database: as one simple-protocol query, the way
 * Prisma's native schema engine sends it. PostgreSQL runs the statements of such a query
 * in one implicit transaction, so a migration that fails leaves no partial changes
 * (unless the script itself says BEGIN/COMMIT).
 *
 * Both driver adapters get this wrong in the versions pinned here, which is why a
 * project's adapters replace their `executeScript` with {@link executeScriptAtomically}
 * (as this package's own PGlite adapter does, pgliteAdapter.ts):
 * - pglite-prisma-adapter 0.7.2 calls `exec(script)` without awaiting it: the engine
 *   records every migration as applied, even one that fails, and the failure surfaces
 *   later as an unhandled rejection that ends the process.
 * - @prisma/adapter-pg 7.10 splits the script on every ";" (breaking function bodies and
 *   string literals) and sends the pieces one by one through the pool, outside any
 *   transaction: a failing statement leaves the earlier ones applied.
 */
import { DriverAdapterError } from "@prisma/driver-adapter-utils";

/** What a driver reports about a failed statement (pg and PGlite share these fields). */
export interface DriverErrorFields {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
  detail?: unknown;
  column?: unknown;
  hint?: unknown;
  /** 1-based character offset of the error in the script, when PostgreSQL knows it. */
  position?: unknown;
}

/**
 * A migration script failed. The schema engine reads only the `DriverAdapterError`
 * payload; `driverError` keeps the driver's own error (and `script` the script) so the
 * migration runner can say where in migration.sql it happened.
 */
export type ScriptError = DriverAdapterError & { driverError: unknown; script: string };

export function isScriptError(error: unknown): error is ScriptError {
  return error instanceof DriverAdapterError && "driverError" in error;
}

/** An `executeScript` that sends the whole script in one query and reports failures typed. */
export function executeScriptAtomically(
  run: (script: string) => Promise<unknown>,
): (script: string) => Promise<void> {
  return async (script) => {
    try {
      await run(script);
    } catch (error) {
      throw toScriptError(error, script);
    }
  };
}

function toScriptError(error: unknown, script: string): ScriptError {
  const fields = (typeof error === "object" && error !== null ? error : {}) as DriverErrorFields;
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const message = text(fields.message) ?? String(error);
  const code = text(fields.code) ?? "XX000";
  const payload = {
    kind: "postgres" as const,
    code,
    severity: text(fields.severity) ?? "ERROR",
    message,
    detail: text(fields.detail),
    column: text(fields.column),
    hint: text(fields.hint),
    originalCode: code,
    originalMessage: message,
  };
  return Object.assign(new DriverAdapterError(payload), { driverError: error, script });
}

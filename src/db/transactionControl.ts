/**
 * A workflow's steps cannot end their transaction behind the broker's back: a `COMMIT`,
 * `BEGIN`, `SAVEPOINT` ... sent through `tx` (`$executeRawUnsafe("COMMIT")`) while the
 * steps run is refused, and a raw `ROLLBACK` ends the transaction for good, so that no
 * later statement of the run can write outside it (on PostgreSQL, statements after a
 * ROLLBACK would commit one by one).
 *
 * Applied by both adapters to the transactions started through `Database.transactions`
 * (the broker's runner), from when the work starts until it settles; Prisma's own
 * statements (its COMMIT or ROLLBACK after the work, its savepoints for a nested
 * `tx.$transaction`) go through.
 */
import type { SqlQuery, Transaction } from "@prisma/driver-adapter-utils";

/** A transaction-control statement sent through a workflow's transaction, refused. */
export class TransactionControlError extends Error {
  override readonly name = "TransactionControlError";
  constructor(readonly statement: string) {
    super(
      `${statement} sent through a workflow's transaction client was refused: a step must ` +
        "not end, restart or split the transaction it runs in. The broker commits or rolls " +
        "back the whole run; for a part that may fail on its own, use " +
        "workflowStep(workflow, { onFailure }), which runs it in a savepoint.",
    );
  }
}

/** What the guard needs to know about the transaction's work. */
export interface TransactionWork {
  /** True while the work (the workflow's steps) runs; statements then come from the steps. */
  readonly inProgress: boolean;
  /** Aborted when the run was stopped: Prisma's ROLLBACK may then come while the work still runs. */
  readonly signal?: AbortSignal | undefined;
}

const MAY_CONTROL = /\b(?:begin|start|commit|end|rollback|abort|savepoint|release|prepare)\b/i;
const QUOTED_OR_COMMENT =
  /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g;
const CONTROL_STATEMENT =
  /^(?:begin|start\s+transaction|commit|end|rollback|abort|savepoint|release|prepare\s+transaction)\b(?:\s+(?:savepoint|transaction|work|prepared)\b)?/i;
const LONE_ROLLBACK = /^\s*rollback\s*;?\s*$/i;

/**
 * The first statement of `sql` that starts, ends or splits a transaction (its leading
 * words, upper-cased), or undefined. Quoted text, dollar-quoted bodies and comments are
 * not statements.
 */
export function transactionControlIn(sql: string): string | undefined {
  // A run sends the same few statements again and again: their verdicts are kept (the
  // scan below took more CPU per statement than the rest of the guard, in profiles).
  const known = verdicts.get(sql);
  if (known !== undefined) return known === NONE ? undefined : known;
  const verdict = scanForControl(sql);
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(sql, verdict ?? NONE);
  return verdict;
}

/**
 * The transaction-control statement a query with arguments opens with (its leading words,
 * upper-cased), or undefined. Only its first statement can run: both adapters send a query
 * with arguments over the extended protocol, where PostgreSQL refuses a second statement
 * ("cannot insert multiple commands into a prepared statement"). So only the words after
 * any leading whitespace and comments are read, which costs next to nothing; a run's
 * statements mostly have arguments.
 */
export function leadingTransactionControl(sql: string): string | undefined {
  LEADING_CONTROL.lastIndex = firstTokenAt(sql);
  const control = LEADING_CONTROL.exec(sql)?.[0];
  return control === undefined ? undefined : control.replace(/\s+/g, " ").toUpperCase();
}

/** Where `sql`'s first token starts: after whitespace and comments (which nest in PostgreSQL). */
function firstTokenAt(sql: string): number {
  let at = 0;
  for (;;) {
    while (at < sql.length && sql.charCodeAt(at) <= 32) at++;
    if (sql.startsWith("--", at)) {
      const lineEnd = sql.indexOf("\n", at);
      if (lineEnd === -1) return sql.length;
      at = lineEnd + 1;
    } else if (sql.startsWith("/*", at)) {
      let depth = 1;
      at += 2;
      while (depth > 0 && at < sql.length) {
        if (sql.startsWith("/*", at)) {
          depth++;
          at += 2;
        } else if (sql.startsWith("*/", at)) {
          depth--;
          at += 2;
        } else {
          at++;
        }
      }
    } else {
      return at;
    }
  }
}

const LEADING_CONTROL = new RegExp(CONTROL_STATEMENT.source.slice(1), "iy");

const NONE = "";
const MAX_VERDICTS = 500;
const verdicts = new Map<string, string>();

function scanForControl(sql: string): string | undefined {
  if (!MAY_CONTROL.test(sql)) return undefined;
  for (const statement of sql.replace(QUOTED_OR_COMMENT, " ").split(";")) {
    const control = CONTROL_STATEMENT.exec(statement.trim())?.[0];
    if (control !== undefined) return control.replace(/\s+/g, " ").toUpperCase();
  }
  return undefined;
}

/**
 * Makes `transaction` refuse transaction control sent while `work` is in progress (see
 * the file's comment). Prisma's savepoint methods go through.
 */
export function guardTransactionControl(transaction: Transaction, work: TransactionWork): void {
  let prismaSavepoint = false;
  let rolledBackByStep = false;
  const check = (query: SqlQuery) => {
    if (prismaSavepoint) return;
    if (rolledBackByStep) {
      if (LONE_ROLLBACK.test(query.sql)) return; // Prisma closing the transaction
      throw new TransactionControlError("A statement after a raw ROLLBACK");
    }
    if (!work.inProgress || work.signal?.aborted) return;
    const statement =
      query.args.length > 0
        ? leadingTransactionControl(query.sql)
        : transactionControlIn(query.sql);
    if (statement === undefined) return;
    // A lone ROLLBACK may be Prisma's own, closing a transaction its timer expired: it
    // goes through, and nothing after it does.
    if (LONE_ROLLBACK.test(query.sql)) {
      rolledBackByStep = true;
      return;
    }
    throw new TransactionControlError(statement);
  };
  const queryRaw = transaction.queryRaw.bind(transaction);
  const executeRaw = transaction.executeRaw.bind(transaction);
  transaction.queryRaw = (query) => {
    check(query);
    return queryRaw(query);
  };
  transaction.executeRaw = (query) => {
    check(query);
    return executeRaw(query);
  };
  for (const method of ["createSavepoint", "rollbackToSavepoint", "releaseSavepoint"] as const) {
    const original = transaction[method]?.bind(transaction);
    if (original === undefined) continue;
    transaction[method] = (name: string) => {
      // The adapter sends the statement through executeRaw synchronously, from here.
      prismaSavepoint = true;
      try {
        return original(name);
      } finally {
        prismaSavepoint = false;
      }
    };
  }
}

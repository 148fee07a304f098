/**
 * Test-only pieces shared by the outbox's tests: a mailer that records what it is asked
 * to send, captured log lines, messages written straight into the outbox table, and a way
 * to make a backing-off message due without waiting.
 */
import { pino, type Logger } from "pino";
import type { PrismaClient } from "../../src/db/index.js";
import type { Email, Mailer } from "../../src/outbox/index.js";

/** A Mailer that records every e-mail; `before` runs first and may delay or throw. */
export interface RecordingMailer extends Mailer {
  readonly sent: Email[];
}

export function recordingMailer(before?: (email: Email) => Promise<void> | void): RecordingMailer {
  const sent: Email[] = [];
  return {
    sent,
    async send(email) {
      await before?.(email);
      sent.push(email);
    },
  };
}

export type LogLine = Record<string, unknown> & { msg: string; level: number };

/** A debug-level logger whose lines land in `lines`, parsed. */
export function captureLogs(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: "debug" },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines };
}

/** Writes a message into the outbox as a use case would, and returns its id. */
export async function insertMessage(
  prisma: PrismaClient,
  message: { topic: string; payload: object; createdAt?: Date },
): Promise<string> {
  const row = await prisma.outboxMessage.create({ data: message, select: { id: true } });
  return row.id;
}

/**
 * Makes a message due now, as if its back-off had passed: `next_attempt_at` just before the
 * database's now (not at it: the column keeps milliseconds and rounds, possibly upwards).
 */
export async function makeDue(prisma: PrismaClient, id: string): Promise<void> {
  const updated = await prisma.$executeRaw`
    UPDATE outbox_messages SET next_attempt_at = now() - interval '1 millisecond'
    WHERE id = ${id}::uuid`;
  if (updated !== 1) throw new Error(`no outbox message ${id}`);
}

/** The database's clock (what the claim compares `next_attempt_at` with). */
export async function databaseNow(prisma: PrismaClient): Promise<Date> {
  const [row] = await prisma.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
  return row!.now;
}

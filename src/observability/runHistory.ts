/**
 * The recent workflow runs of each user, in memory, for the run view: a ring of the last
 * runs per user, for the users who ran something most recently. Nothing is stored: a
 * restart forgets them, and each API process has its own.
 */
import type { RunReport } from "../broker/index.js";

export interface RunHistorySettings {
  /** Runs kept per user; 0 keeps none (and records nothing). */
  runsPerUser: number;
  /** Users whose runs are kept; the one who ran something least recently goes first. */
  maxUsers: number;
}

export interface RunHistory {
  /** Records a settled run for the user who asked for it (`caller`; none: not kept); give it to the broker. */
  record(report: RunReport): void;
  /** The user's last `last` runs, newest first. */
  recent(ownerId: string, last: number): RunReport[];
}

export function createRunHistory(settings: RunHistorySettings): RunHistory {
  /** Rings by user, in order of their latest run (a Map keeps insertion order). */
  const rings = new Map<string, RunReport[]>();

  function add(ownerId: string, report: RunReport): void {
    const ring = rings.get(ownerId) ?? [];
    rings.delete(ownerId);
    rings.set(ownerId, ring);
    ring.push(report);
    if (ring.length > settings.runsPerUser) ring.shift();
    if (rings.size > settings.maxUsers) rings.delete(rings.keys().next().value!);
  }

  return {
    record(report) {
      if (settings.runsPerUser === 0 || report.caller === undefined) return;
      add(report.caller, report);
    },
    recent(ownerId, last) {
      return (rings.get(ownerId) ?? []).slice(-last).reverse();
    },
  };
}

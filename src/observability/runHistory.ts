/**
 * The recent workflow runs of each user, in memory, for the run view: a ring of the last
 * runs per user, for the users who ran something most recently. Nothing is stored: a
 * restart forgets them, and each API process has its own.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { RequestHandler } from "express";
import type { RunReport } from "../broker/index.js";

export interface RunHistorySettings {
  /** Runs kept per user; 0 keeps none (and records nothing). */
  runsPerUser: number;
  /** Users whose runs are kept; the one who ran something least recently goes first. */
  maxUsers: number;
}

/** Who made the runs of the request in progress: set once its context knows. */
interface RunOwnerScope {
  ownerId?: () => Promise<string | undefined>;
}

export interface RunHistory {
  /**
   * Gives each request a scope in which its runs are attributed: mount it before the
   * GraphQL handler, and call `attribute` once the request's context exists.
   */
  readonly scope: RequestHandler;
  /** Attributes the request's runs to whom `ownerId` resolves to (none: not recorded). */
  attribute(ownerId: () => Promise<string | undefined>): void;
  /** Records a settled run for the user of the request it ran in; give it to the broker. */
  record(report: RunReport): void;
  /** The user's last `last` runs, newest first. */
  recent(ownerId: string, last: number): RunReport[];
}

export function createRunHistory(settings: RunHistorySettings): RunHistory {
  const storage = new AsyncLocalStorage<RunOwnerScope>();
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
    scope: (_req, _res, next) => storage.run({}, next),
    attribute(ownerId) {
      const scope = storage.getStore();
      if (scope) scope.ownerId = ownerId;
    },
    record(report) {
      if (settings.runsPerUser === 0) return;
      const ownerId = storage.getStore()?.ownerId;
      if (ownerId === undefined) return;
      // The viewer was looked up before the run (it is memoized): this settles at once.
      void ownerId().then(
        (id) => id !== undefined && add(id, report),
        () => {},
      );
    },
    recent(ownerId, last) {
      return (rings.get(ownerId) ?? []).slice(-last).reverse();
    },
  };
}

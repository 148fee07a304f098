/**
 * Password hashing with scrypt (memory-hard, built into Node), stored as
 * `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` so the cost can be raised later: a hash made
 * with a lower cost still verifies, and says it needs rehashing.
 *
 * The default cost is OWASP's current minimum for scrypt (N=2^17, r=8, p=1): about 0.3 s
 * of CPU and 128 MiB of memory per hash. So that a flood of logins cannot take every core
 * from the rest of the API, hashes run at most `concurrency` at a time (one core's worth
 * on a 2-core machine); the others wait their turn, up to `maxWaitMs`, then are refused
 * as busy (SERVICE_BUSY, safe to retry).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { availableParallelism } from "node:os";
import { AppError } from "../errors/index.js";

/** scrypt's parameters: N (CPU/memory cost, a power of 2), r (block size), p (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet's minimum for scrypt. */
export const OWASP_MINIMUM_SCRYPT_COST: ScryptCost = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

const KEY_LENGTH = 64;

export interface PasswordHasherOptions {
  cost?: ScryptCost;
  /** Hashes computed at once; default: all cores but one (at least one). */
  concurrency?: number;
  /** Hashes allowed to wait for their turn (default 256); past it, {@link PasswordCheckBusyError} at once. */
  maxQueued?: number;
  /**
   * How long a hash may wait for its turn (default 5 s) before it gives up with
   * {@link PasswordCheckBusyError}. Waiting costs nothing; a flood of sign-ins waits rather
   * than coming back at once for more.
   */
  maxWaitMs?: number;
}

export interface PasswordCheck {
  matches: boolean;
  /** The stored hash was made with a lower cost than today's: store a new one. */
  needsRehash: boolean;
}

export interface PasswordHasher {
  readonly cost: ScryptCost;
  /** True while a new hash would be refused as busy: callers can refuse before doing other work. */
  readonly saturated: boolean;
  /** `signal` takes a hash still waiting for its turn out of the queue (it rejects with the reason). */
  hash(password: string, signal?: AbortSignal): Promise<string>;
  /**
   * Checks `password` against `stored`, in constant time. With `stored` null (no such
   * user) it checks against a decoy hash instead, so the answer takes as long either way
   * and response times do not tell which e-mails have accounts.
   */
  verify(password: string, stored: string | null, signal?: AbortSignal): Promise<PasswordCheck>;
}

/** Too many password hashes are waiting already; safe to retry later. */
export class PasswordCheckBusyError extends AppError {
  override readonly name = "PasswordCheckBusyError";
  readonly code = "SERVICE_BUSY";
  constructor() {
    super("Too many sign-ins at once; please retry in a moment.");
  }
}

/**
 * At most `concurrency` tasks at a time, at most `maxQueued` waiting, none waiting longer
 * than `maxWaitMs`; a waiting task leaves when its signal aborts.
 */
function createGate(concurrency: number, maxQueued: number, maxWaitMs: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const saturated = () => running >= concurrency && waiting.length >= maxQueued;
  return Object.assign(run, { saturated });
  async function run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (running >= concurrency) {
      if (waiting.length >= maxQueued) throw new PasswordCheckBusyError();
      await new Promise<void>((resolve, reject) => {
        const turn = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const leave = (reason: unknown) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          waiting.splice(waiting.indexOf(turn), 1);
          reject(reason);
        };
        const onAbort = () => leave(signal?.reason);
        const timer = setTimeout(() => leave(new PasswordCheckBusyError()), maxWaitMs);
        waiting.push(turn);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    } else {
      running += 1;
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  }
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 128 * cost.N * cost.r * 2 };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function parseStored(stored: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | null {
  const [scheme, n, r, p, saltText, hashText] = stored.split("$");
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const valid =
    scheme === "scrypt" &&
    saltText &&
    hashText &&
    Object.values(cost).every((value) => Number.isInteger(value) && value > 0) &&
    // A power of two, and within what this process would hash itself (a forged huge N
    // must not make it allocate gigabytes).
    (cost.N & (cost.N - 1)) === 0 &&
    cost.N <= 2 ** 20 &&
    cost.r <= 32 &&
    cost.p <= 16;
  return valid
    ? { cost, salt: Buffer.from(saltText, "base64"), hash: Buffer.from(hashText, "base64") }
    : null;
}

function weaker(a: ScryptCost, b: ScryptCost): boolean {
  return a.N < b.N || a.r < b.r || a.p < b.p;
}

export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const cost = Object.freeze({ ...(options.cost ?? OWASP_MINIMUM_SCRYPT_COST) });
  const concurrency = options.concurrency ?? Math.max(1, availableParallelism() - 1);
  const gate = createGate(concurrency, options.maxQueued ?? 256, options.maxWaitMs ?? 5_000);
  const hash = (password: string, signal?: AbortSignal) =>
    gate(async () => {
      const salt = randomBytes(16);
      const key = await derive(password, salt, cost);
      return [
        "scrypt",
        cost.N,
        cost.r,
        cost.p,
        salt.toString("base64"),
        key.toString("base64"),
      ].join("$");
    }, signal);
  let decoy: Promise<string> | undefined;

  return {
    cost,
    get saturated() {
      return gate.saturated();
    },
    hash,
    async verify(password, stored, signal) {
      if (!decoy) {
        decoy = hash(randomBytes(32).toString("base64"));
        decoy.catch(() => (decoy = undefined)); // refused (busy): made again next time
      }
      const parsed = parseStored(stored ?? (await decoy));
      if (!parsed) return { matches: false, needsRehash: false };
      const actual = await gate(() => derive(password, parsed.salt, parsed.cost), signal);
      const matches =
        stored !== null &&
        actual.length === parsed.hash.length &&
        timingSafeEqual(actual, parsed.hash);
      return { matches, needsRehash: matches && weaker(parsed.cost, cost) };
    },
  };
}

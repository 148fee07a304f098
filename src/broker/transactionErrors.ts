// Internal to the broker: recognising Prisma's transaction errors without importing Prisma.
import { causeChain, stringProperty } from "./causeChain.js";

/**
 * True when `error` or anything it wraps is Prisma's P2028 ("Transaction API error"): a
 * transaction that could not start in time, or that expired or was closed before a query
 * or the commit ran.
 */
export function isTransactionApiError(error: unknown): boolean {
  for (const link of causeChain(error)) {
    if (stringProperty(link, "code") === "P2028") return true;
  }
  return false;
}

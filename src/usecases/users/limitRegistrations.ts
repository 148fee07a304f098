import { defineUseCase, type BeforeTransactionContext } from "../../broker/index.js";
import type { AttemptLimits } from "./attemptLimits.js";

/** Refuses a sign-up from an address that signed up too often (RATE_LIMITED), before any work. */
export function createLimitRegistrations(deps: { limits: AttemptLimits }) {
  return defineUseCase({
    name: "LimitRegistrations",
    beforeTransaction: true,
    async run(input: { clientAddress: string }, _context: BeforeTransactionContext) {
      await deps.limits.beforeRegistration(input.clientAddress);
      return {};
    },
  });
}

import { defineUseCase, type BeforeTransactionContext } from "../../broker/index.js";
import type { PasswordHasher } from "./password.js";

/** Hashes the new account's password before the transaction opens (0.3 s of CPU: no connection held meanwhile). */
export function createHashNewPassword(deps: { passwords: PasswordHasher }) {
  return defineUseCase({
    name: "HashPassword",
    beforeTransaction: true,
    async run(input: { password: string }, { signal }: BeforeTransactionContext) {
      return { passwordHash: await deps.passwords.hash(input.password, signal) };
    },
  });
}

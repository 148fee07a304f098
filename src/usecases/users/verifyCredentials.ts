import { defineUseCase } from "../../broker/index.js";
import { AppError } from "../../errors/appError.js";
import type { Step } from "../step.js";
import { normalizeEmail } from "./normalizeEmail.js";
import { UNKNOWN_USER_PASSWORD_HASH, verifyPassword } from "./password.js";

/** Unknown e-mail and wrong password are the same error, so logins cannot probe for accounts. */
export class InvalidCredentialsError extends AppError {
  override readonly name = "InvalidCredentialsError";
  readonly code = "INVALID_CREDENTIALS";
  constructor() {
    super("The e-mail or password is incorrect.");
  }
}

/** Checks the password in constant time, doing the same work whether or not the e-mail exists. */
export const verifyCredentials = defineUseCase({
  name: "VerifyCredentials",
  async run(input: { email: string; password: string }, { tx }: Step) {
    const user = await tx.user.findUnique({
      where: { email: normalizeEmail(input.email) },
      select: { id: true, passwordHash: true },
    });
    const matches = await verifyPassword(
      input.password,
      user?.passwordHash ?? (await UNKNOWN_USER_PASSWORD_HASH),
    );
    if (!user || !matches) throw new InvalidCredentialsError();
    return { userId: user.id };
  },
});

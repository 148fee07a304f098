import {
  defineUseCase,
  defineWorkflow,
  type BeforeTransactionContext,
  type StepContext,
} from "../broker/index.js";
import type { TransactionClient } from "../db/index.js";
import { AppError } from "../errors/index.js";
import type { AttemptLimits } from "./attemptLimits.js";
import { isCanonicalEmail } from "./email.js";
import { PasswordCheckBusyError, type PasswordHasher } from "./passwords.js";
import { createSessionStep, type SessionSettings } from "./sessions.js";

/** What login is run with: the e-mail in its canonical form, or as typed when it is no address (email.ts). */
export interface LoginAttempt {
  email: string;
  password: string;
  /** The client's address, for the sign-in and sign-up rate limits. */
  clientAddress: string;
}

/** Unknown e-mail and wrong password are the same error, so logins cannot probe for accounts. */
export class InvalidCredentialsError extends AppError {
  override readonly name = "InvalidCredentialsError";
  readonly code = "INVALID_CREDENTIALS";
  constructor() {
    super("The e-mail or password is incorrect.");
  }
}

export interface CredentialsLookup {
  /** The account with this (canonical) e-mail, or null. Read outside any transaction. */
  credentialsFor(email: string): Promise<{ userId: string; passwordHash: string } | null>;
}

/**
 * Checks the password before the transaction opens: the rate limits first (RATE_LIMITED),
 * then the stored hash, in constant time whether or not the e-mail exists. A wrong
 * password counts against the e-mail; a right one clears its count, and yields a new hash
 * when the stored one was made with a lower cost than today's (UpgradePasswordHash
 * stores it).
 */
function createCheckCredentials(deps: {
  passwords: PasswordHasher;
  limits: AttemptLimits;
  accounts: CredentialsLookup;
}) {
  return defineUseCase({
    name: "CheckCredentials",
    beforeTransaction: true,
    async run(input: LoginAttempt, { signal }: BeforeTransactionContext) {
      const { email } = input;
      await deps.limits.beforeLogin(email, input.clientAddress);
      // Refused now rather than after a read, when the check would be refused anyway.
      if (deps.passwords.saturated) throw new PasswordCheckBusyError();
      // What is no address is no account: not looked up (the database could not even
      // store some of it), but checked against the decoy all the same.
      const account = isCanonicalEmail(email) ? await deps.accounts.credentialsFor(email) : null;
      const check = await deps.passwords.verify(
        input.password,
        account?.passwordHash ?? null,
        signal,
      );
      if (!account || !check.matches) {
        await deps.limits.loginFailed(email);
        throw new InvalidCredentialsError();
      }
      await deps.limits.loginSucceeded(email);
      const upgradedPasswordHash = check.needsRehash
        ? await deps.passwords.hash(input.password, signal)
        : null;
      return { userId: account.userId, upgradedPasswordHash };
    },
  });
}

/** Stores the stronger hash CheckCredentials made, when it made one. */
const upgradePasswordHash = defineUseCase({
  name: "UpgradePasswordHash",
  async run(
    input: { userId: string; upgradedPasswordHash: string | null },
    { tx }: StepContext<TransactionClient>,
  ) {
    if (input.upgradedPasswordHash === null) return { passwordHashUpgraded: false };
    await tx.user.update({
      where: { id: input.userId },
      data: { passwordHash: input.upgradedPasswordHash },
      select: { id: true },
    });
    return { passwordHashUpgraded: true };
  },
});

/**
 * login: CheckCredentials (before the transaction: rate limits, then the password) ->
 * UpgradePasswordHash -> createSession > CreateSession (a nested workflow). A session is opened only for the right password;
 * a wrong one writes nothing and holds no connection while scrypt runs.
 */
export function createLoginWorkflow(
  deps: {
    passwords: PasswordHasher;
    limits: AttemptLimits;
    accounts: CredentialsLookup;
  } & SessionSettings,
) {
  return defineWorkflow<LoginAttempt>()(
    "login",
    [createCheckCredentials(deps), upgradePasswordHash, createSessionStep(deps)],
    { isolationLevel: "ReadCommitted", timeout: 10_000 },
  );
}

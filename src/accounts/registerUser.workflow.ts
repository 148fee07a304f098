import {
  defineUseCase,
  defineWorkflow,
  type BeforeTransactionContext,
  type StepContext,
} from "../broker/index.js";
import { Prisma, type TransactionClient } from "../db/index.js";
import { AppError } from "../errors/index.js";
import type { AttemptLimits } from "./attemptLimits.js";
import type { LoginAttempt } from "./login.workflow.js";
import type { PasswordHasher } from "./passwords.js";
import { createSessionStep, type SessionSettings } from "./sessions.js";
import { queueWelcomeEmail } from "./welcomeEmail.js";

/**
 * What registerUser is run with: what login is (an e-mail, a password, the client's
 * address for the rate limit), the e-mail always in its canonical form (email.ts), and
 * whether to queue the welcome e-mail.
 */
export interface Registration extends LoginAttempt {
  sendWelcomeEmail: boolean;
}

export class EmailTakenError extends AppError {
  override readonly name = "EmailTakenError";
  readonly code = "EMAIL_TAKEN";
  constructor() {
    super("An account with this e-mail already exists.");
  }
}

/** Refuses a sign-up from an address that signed up too often (RATE_LIMITED), before any work. */
function createLimitRegistrations(deps: { limits: AttemptLimits }) {
  return defineUseCase({
    name: "LimitRegistrations",
    beforeTransaction: true,
    async run(input: { clientAddress: string }, _context: BeforeTransactionContext) {
      await deps.limits.beforeRegistration(input.clientAddress);
      return {};
    },
  });
}

/** Hashes the new account's password before the transaction opens (0.3 s of CPU: no connection held meanwhile). */
function createHashNewPassword(deps: { passwords: PasswordHasher }) {
  return defineUseCase({
    name: "HashPassword",
    beforeTransaction: true,
    async run(input: { password: string }, { signal }: BeforeTransactionContext) {
      return { passwordHash: await deps.passwords.hash(input.password, signal) };
    },
  });
}

/** Creates the user with a unique e-mail and the password hash made before the transaction. */
const createUser = defineUseCase({
  name: "CreateUser",
  async run(
    input: { email: string; passwordHash: string },
    { tx }: StepContext<TransactionClient>,
  ) {
    const { email } = input;
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) {
      throw new EmailTakenError();
    }
    try {
      const user = await tx.user.create({
        data: { email, passwordHash: input.passwordHash },
        select: { id: true, email: true },
      });
      return { userId: user.id, email: user.email };
    } catch (error) {
      // Two registrations racing for one e-mail: the loser hits the unique index.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new EmailTakenError();
      }
      throw error;
    }
  },
});

/** Gives a new user their stats row (0 activities), which createActivity's UpdateStats relies on. */
const initUserStats = defineUseCase({
  name: "InitUserStats",
  async run(input: { userId: string }, { tx }: StepContext<TransactionClient>) {
    await tx.userStats.create({ data: { userId: input.userId } });
    return { statsInitialized: true };
  },
});

/**
 * registerUser: LimitRegistrations -> HashPassword (both before the transaction) ->
 * CreateUser -> InitUserStats -> QueueWelcomeEmail -> createSession > CreateSession. Either
 * the user exists with stats, a queued welcome e-mail (unless `sendWelcomeEmail` is false)
 * and a session, or nothing was written. The password is hashed before the transaction
 * opens, so no connection waits on scrypt; the welcome e-mail is only queued (outbox) and
 * sent after commit.
 */
export function createRegisterUserWorkflow(
  deps: { passwords: PasswordHasher; limits: AttemptLimits } & SessionSettings,
) {
  return defineWorkflow<Registration>()(
    "registerUser",
    [
      createLimitRegistrations(deps),
      createHashNewPassword(deps),
      createUser,
      initUserStats,
      queueWelcomeEmail,
      createSessionStep(deps),
    ],
    { isolationLevel: "ReadCommitted", timeout: 10_000 },
  );
}

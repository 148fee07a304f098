import { defineUseCase } from "../../broker/index.js";
import { AppError } from "../../errors/appError.js";
import { Prisma } from "../../db/index.js";
import type { Step } from "../step.js";

export class EmailTakenError extends AppError {
  override readonly name = "EmailTakenError";
  readonly code = "EMAIL_TAKEN";
  constructor() {
    super("An account with this e-mail already exists.");
  }
}

/**
 * Creates the user with a unique e-mail (given in its canonical form: see email.ts) and
 * the password hash made before the transaction.
 */
export const createUser = defineUseCase({
  name: "CreateUser",
  async run(input: { email: string; passwordHash: string }, { tx }: Step) {
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

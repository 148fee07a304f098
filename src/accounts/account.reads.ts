/** What the account resolvers and the login workflow read, outside any workflow. */
import type { PrismaClient, User } from "../db/index.js";
import type { CredentialsLookup } from "./login.workflow.js";

export function createAccountReads(prisma: PrismaClient) {
  return {
    user(id: string): Promise<User | null> {
      return prisma.user.findUnique({ where: { id } });
    },

    /** The account with this (canonical) e-mail and its password hash; for checking a password. */
    async credentialsFor(email: string): ReturnType<CredentialsLookup["credentialsFor"]> {
      const user = await prisma.user.findUnique({
        where: { email },
        select: { id: true, passwordHash: true },
      });
      return user && { userId: user.id, passwordHash: user.passwordHash };
    },
  };
}

export type AccountReads = ReturnType<typeof createAccountReads>;

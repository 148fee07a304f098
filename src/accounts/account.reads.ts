/** What the account resolvers and the login workflow read, outside any workflow. */
import type { PrismaClient } from "../db/index.js";
import type { ViewerAccount } from "../graphql/index.js";
import { ACCOUNT_FIELDS } from "./sessions.js";
import type { CredentialsLookup } from "./login.workflow.js";

export function createAccountReads(prisma: PrismaClient) {
  return {
    /** What `me` shows of a user's account. */
    account(id: string): Promise<ViewerAccount | null> {
      return prisma.user.findUnique({ where: { id }, select: ACCOUNT_FIELDS });
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

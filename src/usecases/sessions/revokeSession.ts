import { defineUseCase } from "../../broker/index.js";
import type { Step } from "../step.js";
import { hashSessionToken } from "./sessionToken.js";

/** Ends a session: its token stops working at once (the row is kept, marked revoked). */
export const revokeSession = defineUseCase({
  name: "RevokeSession",
  async run(input: { userId: string; sessionToken: string }, { tx }: Step) {
    const { count } = await tx.session.updateMany({
      where: {
        userId: input.userId,
        tokenHash: hashSessionToken(input.sessionToken),
        revokedAt: null,
      },
      data: { revokedAt: new Date() },
    });
    return { sessionRevoked: count === 1 };
  },
});

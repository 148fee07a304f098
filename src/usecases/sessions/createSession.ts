import { defineUseCase } from "../../broker/index.js";
import type { Step } from "../step.js";
import { generateSessionToken, hashSessionToken } from "./sessionToken.js";

/** Opens a session of `sessionTtlMs`: the token is returned once; only its hash is stored. */
export function createCreateSession(deps: { sessionTtlMs: number }) {
  return defineUseCase({
    name: "CreateSession",
    async run(input: { userId: string }, { tx }: Step) {
      const sessionToken = generateSessionToken();
      const session = await tx.session.create({
        data: {
          userId: input.userId,
          tokenHash: hashSessionToken(sessionToken),
          expiresAt: new Date(Date.now() + deps.sessionTtlMs),
        },
        select: { id: true, expiresAt: true },
      });
      return { sessionToken, sessionId: session.id, sessionExpiresAt: session.expiresAt };
    },
  });
}

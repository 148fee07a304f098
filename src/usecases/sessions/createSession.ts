import { defineUseCase } from "../../broker/index.js";
import type { Step } from "../step.js";
import { generateSessionToken, hashSessionToken } from "./sessionToken.js";

/** Opens a session: the token is returned once; only its hash is stored. */
export const createSession = defineUseCase({
  name: "CreateSession",
  async run(input: { userId: string; sessionTtlMs: number }, { tx }: Step) {
    const sessionToken = generateSessionToken();
    const session = await tx.session.create({
      data: {
        userId: input.userId,
        tokenHash: hashSessionToken(sessionToken),
        expiresAt: new Date(Date.now() + input.sessionTtlMs),
      },
      select: { id: true, expiresAt: true },
    });
    return { sessionToken, sessionId: session.id, sessionExpiresAt: session.expiresAt };
  },
});

import { beforeEach, describe, expect, it } from "vitest";
import {
  createBroker,
  defineUseCase,
  defineWorkflow,
  WorkflowStepError,
} from "../../src/broker/index.js";
import { queueWelcomeEmail } from "../../src/accounts/welcomeEmail.js";
import { errorCode, graphql, REGISTER_USER } from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";
import { recordingMailer } from "../outbox/fixtures.js";

describe("a registration that rolls back", () => {
  const mailer = recordingMailer();
  const api = useTestServer({ mailer });
  beforeEach(async () => {
    await api.database.prisma.outboxMessage.deleteMany();
    mailer.sent.length = 0;
  });

  it("leaves no outbox row when the e-mail is taken, so only the first registration is welcomed", async () => {
    const input = { email: "twice@example.com", password: "correct horse battery" };
    const first = await graphql(api.graphqlUrl, REGISTER_USER, { input });
    expect(first.errors).toBeUndefined();
    const again = await graphql(api.graphqlUrl, REGISTER_USER, {
      input: { ...input, email: "TWICE@example.com" },
    });
    expect(errorCode(again)).toBe("EMAIL_TAKEN");
    expect(await api.database.prisma.outboxMessage.count()).toBe(1);

    expect(await api.server.outbox.dispatchBatch()).toEqual({ dispatched: 1, failed: 0 });
    expect(await api.server.outbox.dispatchBatch()).toEqual({ dispatched: 0, failed: 0 });
    expect(mailer.sent.map((email) => email.to)).toEqual(["twice@example.com"]);
  });

  it("takes back the queued e-mail when a step after QueueWelcomeEmail fails, so nothing is sent", async () => {
    const failsAfterQueueing = defineWorkflow<{
      userId: string;
      email: string;
      sendWelcomeEmail: boolean;
    }>()("queueThenFail", [
      queueWelcomeEmail,
      defineUseCase({
        name: "FailsLater",
        async run(input: { welcomeEmailMessageId: string | null }) {
          throw new Error(`failing after queueing ${input.welcomeEmailMessageId}`);
        },
      }),
    ]);
    const broker = createBroker({ client: api.database.prisma, workflows: [failsAfterQueueing] });

    await expect(
      broker.run(failsAfterQueueing, {
        userId: "00000000-0000-4000-8000-000000000000",
        email: "never@example.com",
        sendWelcomeEmail: true,
      }),
    ).rejects.toThrow(WorkflowStepError);
    expect(await api.database.prisma.outboxMessage.count()).toBe(0);
    expect(await api.server.outbox.dispatchBatch()).toEqual({ dispatched: 0, failed: 0 });
    expect(mailer.sent).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";
import type { DatabaseKind } from "../helpers/testDatabases.js";
import { recordingMailer, type LogLine } from "../outbox/fixtures.js";

describe.each<DatabaseKind>(["postgres", "embedded"])(
  "the welcome e-mail on the %s database",
  (kind) => {
    const mailer = recordingMailer();
    const api = useTestServer({ kind, mailer });
    const queuedFor = (userId: string) =>
      api.database.prisma.outboxMessage.findMany({
        where: { payload: { path: ["userId"], equals: userId } },
      });

    it("is sent once, to the new user, by the batch after registration, and never again", async () => {
      const user = await registerUser(api.graphqlUrl);
      expect(mailer.sent).toEqual([]); // queued, not sent, by the registration itself

      expect(await api.server.outbox.dispatchBatch()).toEqual({ dispatched: 1, failed: 0 });
      expect(mailer.sent).toEqual([
        {
          to: user.email,
          subject: "Welcome to Activelog",
          text: expect.stringContaining("Welcome to Activelog!") as string,
        },
      ]);
      const [row, ...others] = await queuedFor(user.userId);
      expect(others).toEqual([]);
      expect(row?.dispatchedAt).toBeInstanceOf(Date);
      expect(row?.attempts).toBe(1);

      expect(await api.server.outbox.dispatchBatch()).toEqual({ dispatched: 0, failed: 0 });
      expect(mailer.sent).toHaveLength(1);
    });

    it("is neither queued nor sent for a registration with sendWelcomeEmail false, and the payload says so", async () => {
      const user = await registerUser(api.graphqlUrl, undefined, { sendWelcomeEmail: false });
      expect(user.welcomeEmailQueued).toBe(false);
      expect(await queuedFor(user.userId)).toEqual([]);

      const sentBefore = mailer.sent.length;
      expect(await api.server.outbox.dispatchBatch()).toEqual({ dispatched: 0, failed: 0 });
      expect(mailer.sent).toHaveLength(sentBefore);
    });

    it("is queued when sendWelcomeEmail is true, as when it is left out", async () => {
      const user = await registerUser(api.graphqlUrl, undefined, { sendWelcomeEmail: true });
      expect(user.welcomeEmailQueued).toBe(true);
      expect(await queuedFor(user.userId)).toHaveLength(1);
    });
  },
);

describe("the default mailer", () => {
  const lines: LogLine[] = [];
  const api = useTestServer({
    env: { LOG_LEVEL: "info" },
    logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  });

  it("logs the welcome e-mail's recipient and subject at info, and not its body", async () => {
    const user = await registerUser(api.graphqlUrl);
    expect(await api.server.outbox.dispatchBatch()).toEqual({ dispatched: 1, failed: 0 });

    const logged = lines.filter((line) => line.component === "mailer");
    expect(logged).toEqual([
      expect.objectContaining({
        level: 30,
        to: user.email,
        subject: "Welcome to Activelog",
        msg: "e-mail logged (no mail provider)",
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain("log your first run");
    expect(JSON.stringify(lines)).not.toContain(user.password);
  });
});

import { describe, expect, it } from "vitest";
import { CREATE_ACTIVITY, graphql, registerUser } from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";

const WORKFLOW_RUNS = /* GraphQL */ `
  query WorkflowRuns($last: Int) {
    workflowRuns(last: $last) {
      runId
      workflow
      outcome
      errorCode
      startedAt
      durationMs
      isolationLevel
      attempts
      traceId
      steps {
        name
        attempt
        outcome
        startMs
        durationMs
      }
    }
  }
`;

interface RunsData {
  workflowRuns: {
    runId: string;
    workflow: string;
    outcome: string;
    errorCode: string | null;
    startedAt: string;
    durationMs: number;
    attempts: number;
    traceId: string | null;
    steps: { name: string; attempt: number; outcome: string; startMs: number }[];
  }[];
}

describe("the workflowRuns query", () => {
  const api = useTestServer();

  const logActivity = (token: string, title: string) =>
    graphql(api.graphqlUrl, CREATE_ACTIVITY, { input: { type: "run", title } }, { token });
  const runsOf = (token: string, last?: number) =>
    graphql<RunsData>(api.graphqlUrl, WORKFLOW_RUNS, last === undefined ? {} : { last }, {
      token,
    });

  it("shows the viewer's own runs, newest first, each with its steps and their outcomes", async () => {
    const [alice, bob] = [await registerUser(api.graphqlUrl), await registerUser(api.graphqlUrl)];
    await logActivity(alice.sessionToken, "first");
    await logActivity(bob.sessionToken, "bob's");
    // Without its stats row Alice's next run fails in its last step, and rolls back.
    await api.database.prisma.userStats.delete({ where: { userId: alice.userId } });
    const failed = await logActivity(alice.sessionToken, "second");
    expect(failed.errors?.[0]?.extensions?.code).toBe("WORKFLOW_STEP_FAILED");

    const response = await runsOf(alice.sessionToken);
    expect(response.errors).toBeUndefined();
    const runs = response.data!.workflowRuns;
    // Her sign-up ran before she had a session: it is no one's run.
    expect(runs.map((run) => [run.workflow, run.outcome])).toEqual([
      ["createActivity", "FAILED"],
      ["createActivity", "COMMITTED"],
    ]);
    const [second, first] = runs as [RunsData["workflowRuns"][0], RunsData["workflowRuns"][0]];
    expect(second).toMatchObject({ errorCode: "WORKFLOW_STEP_FAILED", attempts: 1, traceId: null });
    expect(second.steps.map((step) => [step.name, step.outcome])).toEqual([
      ["CreateActivity", "SUCCEEDED"],
      ["SendNotification", "SUCCEEDED"],
      ["UpdateStats", "FAILED"],
    ]);
    expect(first).toMatchObject({ outcome: "COMMITTED", errorCode: null, attempts: 1 });
    expect(first.runId).not.toBe(second.runId);
    expect(Date.parse(first.startedAt)).toBeLessThanOrEqual(Date.parse(second.startedAt));
    // Steps in the order they ran, each after the one before.
    const starts = first.steps.map((step) => step.startMs);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));

    const bobs = (await runsOf(bob.sessionToken)).data!.workflowRuns;
    expect(bobs.map((run) => run.workflow)).toEqual(["createActivity"]);
  });

  it("returns at most `last` runs, refuses a `last` out of range, and needs a session", async () => {
    const carol = await registerUser(api.graphqlUrl);
    for (const title of ["a", "b", "c"]) await logActivity(carol.sessionToken, title);
    expect((await runsOf(carol.sessionToken, 2)).data!.workflowRuns).toHaveLength(2);
    const tooMany = await runsOf(carol.sessionToken, 101);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "last",
    });
    const anonymous = await graphql<RunsData>(api.graphqlUrl, WORKFLOW_RUNS, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("the workflowRuns query with RUN_HISTORY_SIZE=0", () => {
  const api = useTestServer({ env: { RUN_HISTORY_SIZE: "0" } });

  it("keeps no runs", async () => {
    const dave = await registerUser(api.graphqlUrl);
    await graphql(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input: { type: "run", title: "x" } },
      { token: dave.sessionToken },
    );
    const response = await graphql<RunsData>(
      api.graphqlUrl,
      WORKFLOW_RUNS,
      {},
      {
        token: dave.sessionToken,
      },
    );
    expect(response.data?.workflowRuns).toEqual([]);
  });
});

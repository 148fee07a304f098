import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import {
  CREATE_ACTIVITY,
  graphql,
  LOGIN,
  registerUser,
  type GraphQLResponse,
} from "../helpers/graphqlClient.js";
import { TEST_SERVER_ENV, useTestServer } from "../helpers/httpServer.js";

const TOKEN = "metrics-token-0123456789";
const PRODUCTION = { NODE_ENV: "production", PASSWORD_HASH_COST: "17" };

/** One sample of the text format: `name{label="value",...} number`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  return text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      );
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The value of the one sample named `name` whose labels include `labels`. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length !== 1) {
    throw new Error(`${found.length} samples ${name} ${JSON.stringify(labels)}`);
  }
  return found[0]!.value;
}

async function scrape(url: string, token?: string) {
  const response = await fetch(`${url}/metrics`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    text: await response.text(),
  };
}

describe("GET /metrics", () => {
  const api = useTestServer();

  it("counts the runs, steps, attempts, requests and backlog of known traffic", async () => {
    const statuses: number[] = [];
    const note = <T>(response: GraphQLResponse<T>) => {
      statuses.push(response.status);
      return response;
    };
    const user = await registerUser(api.graphqlUrl); // queues a welcome e-mail
    statuses.push(200);
    for (const title of ["one", "two", "three"]) {
      const response = note(
        await graphql(
          api.graphqlUrl,
          CREATE_ACTIVITY,
          { input: { type: "run", title } },
          { token: user.sessionToken },
        ),
      );
      expect(response.errors).toBeUndefined();
    }
    const wrong = note(
      await graphql(api.graphqlUrl, LOGIN, {
        input: { email: user.email, password: "not the password at all" },
      }),
    );
    expect(wrong.errors?.[0]?.extensions?.code).toBe("INVALID_CREDENTIALS");
    await fetch(`${api.url}/healthz`);

    const { status, type, text } = await scrape(api.url);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseMetrics(text);
    const runs = (workflow: string, outcome: string) =>
      valueOf(samples, "activelog_workflow_runs_total", { workflow, outcome });
    expect(runs("registerUser", "committed")).toBe(1);
    expect(runs("createActivity", "committed")).toBe(3);
    expect(runs("login", "failed")).toBe(1);
    expect(
      valueOf(samples, "activelog_workflow_run_duration_seconds_count", {
        workflow: "createActivity",
        outcome: "committed",
      }),
    ).toBe(3);
    for (const step of ["CreateActivity", "SendNotification", "UpdateStats"]) {
      expect(
        valueOf(samples, "activelog_workflow_step_duration_seconds_count", {
          workflow: "createActivity",
          step,
          outcome: "succeeded",
        }),
      ).toBe(3);
    }
    // The sign-in failed in CheckCredentials, before its transaction: no attempt.
    expect(
      valueOf(samples, "activelog_workflow_step_duration_seconds_count", {
        workflow: "login",
        step: "CheckCredentials",
        outcome: "failed",
      }),
    ).toBe(1);
    expect(
      valueOf(samples, "activelog_workflow_attempts_total", { workflow: "createActivity" }),
    ).toBe(3);
    expect(
      valueOf(samples, "activelog_transaction_start_wait_seconds_count", {
        workflow: "createActivity",
      }),
    ).toBe(3);
    expect(samples.some((s) => s.name === "activelog_workflow_retries_total")).toBe(false);
    expect(samples.some((s) => s.name === "activelog_workflow_timeouts_total")).toBe(false);

    const graphqlRequests = samples
      .filter((s) => s.name === "activelog_http_requests_total" && s.labels.route === "/graphql")
      .reduce((sum, s) => sum + s.value, 0);
    expect(graphqlRequests).toBe(statuses.length);
    expect(
      valueOf(samples, "activelog_http_requests_total", {
        method: "GET",
        route: "/healthz",
        status: "200",
      }),
    ).toBe(1);

    // The pool (10 connections in tests), idle between requests.
    expect(valueOf(samples, "activelog_db_connections_max")).toBe(10);
    expect(valueOf(samples, "activelog_db_connections", { state: "in_use" })).toBe(0);
    expect(valueOf(samples, "activelog_db_connection_waiters")).toBe(0);
    // The welcome e-mail waits: the test server's outbox does not poll.
    expect(valueOf(samples, "activelog_outbox_backlog_messages")).toBe(1);
    expect(
      valueOf(samples, "activelog_outbox_oldest_undispatched_age_seconds"),
    ).toBeGreaterThanOrEqual(0);
    // The process's own.
    expect(samples.some((s) => s.name === "process_cpu_user_seconds_total")).toBe(true);
    expect(samples.some((s) => s.name === "nodejs_eventloop_lag_seconds")).toBe(true);

    // Once sent, the backlog is empty.
    await api.server.outbox.dispatchBatch();
    const after = parseMetrics((await scrape(api.url)).text);
    expect(valueOf(after, "activelog_outbox_backlog_messages")).toBe(0);
    expect(valueOf(after, "activelog_outbox_oldest_undispatched_age_seconds")).toBe(0);
  });
});

describe("GET /metrics with METRICS_TOKEN", () => {
  const api = useTestServer({ env: { METRICS_TOKEN: TOKEN } });

  it("answers 401 without the token or with another, and the metrics with it", async () => {
    expect((await scrape(api.url)).status).toBe(401);
    expect((await scrape(api.url, `${TOKEN}x`)).status).toBe(401);
    const { status, text } = await scrape(api.url, TOKEN);
    expect(status).toBe(200);
    expect(text).toContain("activelog_workflow_runs_total");
  });
});

describe("GET /metrics turned off", () => {
  const api = useTestServer({ env: { METRICS_ENABLED: "false" } });

  it("is not served", async () => {
    expect((await scrape(api.url)).status).toBe(404);
  });
});

describe("the embedded database's connections", () => {
  const api = useTestServer({ kind: "embedded" });

  it("are its one session", async () => {
    const samples = parseMetrics((await scrape(api.url)).text);
    expect(valueOf(samples, "activelog_db_connections_max")).toBe(1);
    expect(valueOf(samples, "activelog_db_connections", { state: "idle" })).toBe(1);
  });
});

describe("metrics settings", () => {
  const load = (env: NodeJS.ProcessEnv) => loadConfig({ ...TEST_SERVER_ENV, ...env });
  const problems = (env: NodeJS.ProcessEnv) => {
    try {
      load(env);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it("are on outside production, and in production only with a token", () => {
    expect(load({}).metrics).toEqual({ enabled: true, token: undefined });
    expect(load(PRODUCTION).metrics.enabled).toBe(false);
    expect(load({ ...PRODUCTION, METRICS_TOKEN: TOKEN }).metrics).toEqual({
      enabled: true,
      token: TOKEN,
    });
  });

  it("keep a run history of 50 runs per user outside production, none in production unless set", () => {
    expect(load({}).runHistorySize).toBe(50);
    expect(load(PRODUCTION).runHistorySize).toBe(0);
    expect(load({ ...PRODUCTION, RUN_HISTORY_SIZE: "20" }).runHistorySize).toBe(20);
  });

  it("refuse public metrics in production, short tokens and bad switches, naming the variable", () => {
    expect(problems({ ...PRODUCTION, METRICS_ENABLED: "true" })).toEqual([
      "METRICS_ENABLED=true in production needs METRICS_TOKEN (a bearer token)",
    ]);
    expect(problems({ METRICS_TOKEN: "short" })).toEqual([
      "METRICS_TOKEN must be at least 16 characters with no spaces",
    ]);
    expect(problems({ METRICS_ENABLED: "yes" })).toEqual([
      'METRICS_ENABLED must be true or false, got "yes"',
    ]);
    expect(problems({ RUN_HISTORY_SIZE: "-1" })).toEqual([
      'RUN_HISTORY_SIZE must be a whole number from 0 to 1000, got "-1"',
    ]);
  });
});

describe("tracing settings", () => {
  const load = (env: NodeJS.ProcessEnv) => loadConfig({ ...TEST_SERVER_ENV, ...env }).tracing;

  it("are off unless an OTLP endpoint or an exporter is set, and OTEL_SDK_DISABLED wins", () => {
    expect(load({})).toEqual({ exporter: "none" });
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toEqual({
      exporter: "otlp",
    });
    expect(load({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces" })).toEqual({
      exporter: "otlp",
    });
    expect(load({ OTEL_TRACES_EXPORTER: "console" })).toEqual({ exporter: "console" });
    expect(
      load({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }),
    ).toEqual({ exporter: "none" });
  });

  it("refuse what the server cannot do, naming the variable", () => {
    expect(() => load({ OTEL_TRACES_EXPORTER: "zipkin" })).toThrow(
      'OTEL_TRACES_EXPORTER must be one of otlp, console, none, got "zipkin"',
    );
    expect(() => load({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(
      'OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf (the only OTLP protocol supported), got "grpc"',
    );
    expect(() => load({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL, got "collector:4318"',
    );
  });
});

// The HTTP contenders of `npm run bench:e2e`: a server in a process of its own, and
// autocannon loading it with one connection per client, each client its own user.
import { spawn } from "node:child_process";
import { createServer as createNetServer } from "node:net";
import autocannon from "autocannon";
import { latencySummary } from "./measure.mjs";

/** A TCP port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

/** POSTs a GraphQL operation; resolves with the parsed answer. */
export async function graphql(url, query, { variables, token } = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

/**
 * Spawns `node [execArgv] <script>` with `env` (plus PATH and PORT) and resolves once it answers
 * GraphQL at /graphql: { url, pid, stop() }. The server's output is kept for the error
 * message should it exit early.
 */
export async function startServer(script, env, { cwd, execArgv = [] }) {
  // A free port rather than PORT=0: at LOG_LEVEL=warn the API does not log its "ready at" line.
  const port = await freePort();
  const child = spawn(process.execPath, [...execArgv, script], {
    cwd,
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk) => (output = (output + chunk).slice(-4000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${port}/graphql`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) {
      throw new Error(`${script} exited with ${child.exitCode}:\n${output}`);
    }
    const answered = await graphql(url, "{ __typename }").then(
      (result) => result?.data?.__typename === "Query",
      () => false,
    );
    if (answered) return { url, pid: child.pid, stop };
    if (tries > 300) {
      await stop();
      throw new Error(`${script} did not answer in 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Client i's part of `total` requests shared by `clients`. */
const share = (total, clients, i) => Math.floor(total / clients) + (i < total % clients ? 1 : 0);

/**
 * Loads `url` with `body` for `seconds`: `tokens.length` clients, each one autocannon
 * connection with its own bearer token, each sending its next request when the answer to
 * the last one has arrived. Like the in-process driver, a client stops once `seconds` have
 * passed and its request in flight is answered (autocannon's own end would abort those
 * requests, which the API answers by rolling back and closing their database connections).
 * Resolves with the count of answers that are 2xx without GraphQL errors, the others by
 * kind, the time until the last answer, and the latencies' p50/p99 (milliseconds, from
 * autocannon's per-response timings, unrounded). With `amount`, the clients send that many
 * requests between them instead, however long it takes.
 */
export async function loadHttp({ url, body, tokens, seconds = Infinity, amount }) {
  const latencies = [];
  const errors = {};
  const fail = (key) => (errors[key] = (errors[key] ?? 0) + 1);
  let ok = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  let lastAnswer = started;
  // With `amount`, a client whose share is none is not started (autocannon has no "zero").
  const clients = tokens
    .map((token, i) => ({
      token,
      requests: amount === undefined ? 1e12 : share(amount, tokens.length, i),
    }))
    .filter((client) => client.requests > 0);
  await Promise.all(
    clients.map(
      ({ token, requests }) =>
        new Promise((resolve, reject) => {
          const instance = autocannon(
            {
              url,
              connections: 1,
              pipelining: 1,
              // Without `amount`, ended by the deadline below: a client stops after its
              // `responseMax`-th request has been answered.
              amount: requests,
              sampleInt: 50, // how soon autocannon notices that every client is done
              requests: [
                {
                  method: "POST",
                  headers: {
                    "content-type": "application/json",
                    authorization: `Bearer ${token}`,
                  },
                  body,
                  onResponse(status, responseBody) {
                    if (status < 200 || status > 299) fail(`HTTP ${status}`);
                    else if (responseBody.includes('"errors"')) fail("GraphQL errors");
                    else ok += 1;
                  },
                },
              ],
            },
            (error) => {
              clearTimeout(safety);
              if (error) reject(error);
              else resolve();
            },
          );
          instance.on("response", (client, _status, _bytes, responseTime) => {
            latencies.push(responseTime);
            lastAnswer = performance.now();
            // autocannon 9's client sends its next request right after this event, unless
            // it has made `responseMax` requests: then it closes, nothing in flight.
            if (lastAnswer >= until) client.responseMax = client.reqsMade;
          });
          instance.on("reqError", (error) => fail(error.code ?? error.message));
          // Should a client never get its answer: autocannon's stop (aborts what is in flight).
          const safety = setTimeout(
            () => instance.stop(),
            Number.isFinite(seconds) ? seconds * 1000 + 30_000 : 120_000,
          );
        }),
    ),
  );
  return { ok, errors, elapsedMs: lastAnswer - started, ...latencySummary(latencies) };
}

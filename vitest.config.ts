import swc from "unplugin-swc";
import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // SWC emits decorator metadata (type-graphql needs it); esbuild does not.
  plugins: [swc.vite({ module: { type: "es6" } })],
  resolve: {
    // Node loads graphql's CommonJS entry for type-graphql and Apollo; Vite would give our
    // own files the .mjs entry, a second copy ("another module or realm"). Use Node's.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  // Workspace packages (packages/*) from their TypeScript source, not their built dist/:
  // their package.json exports it under the "source" condition. Without Vite's "module"
  // condition, which Node does not know: OpenTelemetry's packages export under it an ESM
  // build whose imports have no file extensions, which Node cannot load.
  ssr: {
    resolve: {
      conditions: [
        "source",
        ...defaultServerConditions.filter((condition) => condition !== "module"),
      ],
    },
  },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    globalSetup: [
      "test/helpers/globalSetup.ts",
      "packages/prisma-wasm-migrate/test/globalSetup.ts",
    ],
    // Most test files wait on PostgreSQL, HTTP and timers rather than on the CPU, and each
    // has a database of its own: run several at once even on 2 cores (vitest's default
    // there is one file at a time).
    maxWorkers: 4,
    // Each worker keeps its modules from one test file to the next instead of loading the
    // app again for each (about 1.5 s of CPU a file: a third of the suite's). Test files
    // share no state through modules (no vi.mock; every file has its own database and server).
    isolate: false,
    // Bounds for a test that hangs, not speed checks: ten times what the slowest tests (the
    // ones that start server processes) take on a busy 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "tsconfig.json" },
  },
});

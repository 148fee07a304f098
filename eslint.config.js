import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * Folders used through their index.ts only: machinery (broker, outbox, db, graphql, http,
 * errors, idempotency, observability) and features. src/db and src/observability have a
 * second, light entry: config.ts (their settings, without Prisma or the SDKs).
 */
const entryPointOnly = [
  "broker",
  "outbox",
  "db",
  "graphql",
  "http",
  "errors",
  "idempotency",
  "observability",
  "accounts",
  "activities",
].map((folder) => ({
  regex: `(^|/)${folder}/(?!index\\.js$${["db", "observability"].includes(folder) ? "|config\\.js$" : ""}).+`,
  message: `Import src/${folder} through its index.ts only (within the folder, import its files directly).`,
}));
const noTestImports = {
  group: ["**/test/**"],
  message: "Production code never imports test helpers.",
};
const noFeatureImports = {
  regex: "(^|/)(accounts|activities)/|^\\.\\./(server|schema|main)\\.js$",
  message:
    "The machinery never imports a feature or the composition root: features register what it needs (handlers, labels, services).",
};

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "src/generated/",
      ".data/",
      ".tools/",
      "coverage/",
      "examples/web/src/generated/",
      "examples/web/dist/",
      "packages/*/dist/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // The broker is generic: it must not know GraphQL, HTTP or the activity domain,
    // and only its index.ts is imported from outside.
    files: ["src/broker/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "graphql",
                "type-graphql",
                "@apollo/*",
                "express",
                "**/graphql/**",
                "**/accounts/**",
                "**/activities/**",
                "**/outbox/**",
                "**/db/**",
                "**/generated/**",
                "@prisma/*",
              ],
              message:
                "The broker is generic: no GraphQL, HTTP, domain or database-client imports (it takes the transaction client as a type parameter).",
            },
          ],
        },
      ],
    },
  },
  {
    // Every other folder reaches the machinery and the features through their index.ts
    // only, and production code never imports the tests.
    files: ["src/**/*.ts"],
    ignores: ["src/broker/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [...entryPointOnly, noTestImports] }],
    },
  },
  {
    // The machinery is generic: it never imports a feature, nor the composition root that
    // wires the features into it (server.ts, schema.ts, main.ts).
    files: [
      "src/broker/**/*.ts",
      "src/outbox/**/*.ts",
      "src/db/**/*.ts",
      "src/graphql/**/*.ts",
      "src/http/**/*.ts",
      "src/errors/**/*.ts",
      "src/idempotency/**/*.ts",
      "src/observability/**/*.ts",
      "src/support/**/*.ts",
    ],
    ignores: ["src/broker/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [...entryPointOnly, noTestImports, noFeatureImports] },
      ],
    },
  },
  {
    // src/support holds plain helpers: it imports nothing of the app at all.
    files: ["src/support/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^\\.\\./",
              message: "src/support imports nothing of the app: every folder may use it.",
            },
          ],
        },
      ],
    },
  },
);

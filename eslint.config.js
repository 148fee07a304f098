import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

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
                "**/usecases/**",
                "**/workflows/**",
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
    files: ["src/**/*.ts"],
    ignores: ["src/broker/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "broker/(?!index\\.js$).+",
              message: "Import the broker through src/broker/index.ts only.",
            },
            {
              regex: "outbox/(?!index\\.js$).+",
              message: "Import the outbox through src/outbox/index.ts only.",
            },
            { group: ["**/test/**"], message: "Production code never imports test helpers." },
          ],
        },
      ],
    },
  },
);

/**
 * Docker cannot run on the CI machines, so these tests hold the deployment files to
 * their promises structurally: a healthy database before migrations, migrations before
 * the API, DATABASE_URL pointing at the database service, Node 24 and a non-root user.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
}

const compose = parse(await readFile("docker-compose.yml", "utf8")) as {
  services: Record<string, ComposeService>;
};
const dockerfile = await readFile("Dockerfile", "utf8");

describe("docker-compose.yml", () => {
  const { db, migrate, api } = compose.services;

  it("has a PostgreSQL database with a health check", () => {
    expect(db?.image).toMatch(/^postgres:/);
    expect(db?.healthcheck?.test.join(" ")).toContain("pg_isready");
  });

  it("points DATABASE_URL of the API and the migrations at the database service", () => {
    for (const service of [api, migrate]) {
      const url = new URL(service!.environment!.DATABASE_URL!);
      expect(url.hostname).toBe("db");
      expect(url.pathname.slice(1)).toBe(db!.environment!.POSTGRES_DB);
      expect(decodeURIComponent(url.username)).toBe(db!.environment!.POSTGRES_USER);
      expect(decodeURIComponent(url.password)).toBe(db!.environment!.POSTGRES_PASSWORD);
    }
  });

  it("applies migrations once the database is healthy, and starts the API only after they succeeded", () => {
    expect(migrate?.command).toEqual(["node", "dist/db/cli/migrate.js"]);
    expect(migrate?.depends_on).toEqual({ db: { condition: "service_healthy" } });
    expect(api?.depends_on).toMatchObject({
      db: { condition: "service_healthy" },
      migrate: { condition: "service_completed_successfully" },
    });
  });

  it("runs the API in production mode on port 4000", () => {
    expect(api?.environment).toMatchObject({ NODE_ENV: "production", PORT: "4000" });
    expect(api?.ports).toContain("4000:4000");
  });
});

describe("Dockerfile", () => {
  it("builds on Node 24 and runs as a non-root user", () => {
    const stages = dockerfile.match(/^FROM .+$/gm) ?? [];
    expect(stages.length).toBeGreaterThan(0);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:24[-.]/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it("starts the compiled server, whose files the build produces", () => {
    expect(dockerfile).toMatch(/CMD \["node", (?:"--[\w=-]+", )*"dist\/main\.js"\]/);
    expect(dockerfile).toMatch(/npm run build/);
  });

  it("caps V8's young generation as on Node 20, and bench:e2e measures the API so", async () => {
    const flag = "--max-semi-space-size=16";
    expect(dockerfile).toContain(`CMD ["node", "${flag}", "dist/main.js"]`);
    expect(await readFile("bench/e2e.mjs", "utf8")).toContain(`"${flag}"`);
  });
});

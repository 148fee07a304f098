// The databases of `npm run bench:e2e`: one per contender on the PostgreSQL server at
// TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432), migrated the way the
// repo migrates PostgreSQL (`node dist/db/cli/migrate.js` with DATABASE_URL), seeded with
// one user (and user_stats row) per client, dropped at the end.
import { execFile } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432";

export function databaseUrl(name) {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export const withAdmin = (fn) => withClient(databaseUrl("postgres"), fn);

/** Creates database `name` and applies the migrations; resolves with its URL. */
export async function createMigratedDatabase(name, { projectRoot }) {
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrl(name);
  await promisify(execFile)(process.execPath, [join(projectRoot, "dist/db/cli/migrate.js")], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, DATABASE_URL: url },
  });
  return url;
}

export async function dropDatabases(names) {
  if (names.length === 0) return;
  await withAdmin(async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/**
 * `count` users with a user_stats row each, and a session each (a token stored as its
 * SHA-256, as the API stores it, valid for a day); resolves with [{ userId, token }].
 */
export async function seedUsers(url, count) {
  const users = Array.from({ length: count }, (_, i) => ({
    userId: randomUUID(),
    email: `bench-${i}-${randomUUID()}@example.com`,
    token: randomBytes(32).toString("base64url"),
  }));
  await withClient(url, async (client) => {
    for (const { userId, email, token } of users) {
      await client.query(
        "INSERT INTO users (id, email, password_hash, updated_at) VALUES ($1, $2, 'x', now())",
        [userId, email],
      );
      await client.query("INSERT INTO user_stats (user_id, updated_at) VALUES ($1, now())", [
        userId,
      ]);
      await client.query(
        `INSERT INTO sessions (id, user_id, token_hash, expires_at)
         VALUES ($1, $2, $3, now() + interval '1 day')`,
        [randomUUID(), userId, createHash("sha256").update(token).digest("hex")],
      );
    }
  });
  return users.map(({ userId, token }) => ({ userId, token }));
}

/** Rows written, for the sanity check: activities, and the sum of user_stats.total_activities. */
export function countActivities(url) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM activities)::int AS activities,
              (SELECT coalesce(sum(total_activities), 0) FROM user_stats)::int AS counted`,
    );
    return rows[0];
  });
}

/** The pids of the PostgreSQL backends connected to database `name` now. */
export async function backendPids(admin, name) {
  const { rows } = await admin.query(
    "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [name],
  );
  return rows.map((row) => row.pid);
}

import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe } from "vitest";

/**
 * The PostgreSQL server the PostgreSQL suites run against: `COLONY_TEST_POSTGRES_URL`, set by
 * `.ci/run` (which starts a throwaway cluster with `.ci/postgres start`) or by the global setup
 * when this machine has the server binaries. Without one the suites are skipped, saying why,
 * unless `COLONY_REQUIRE_POSTGRES=1` (CI), where a missing server fails the run instead.
 */
export const postgresUrl: string | undefined = process.env.COLONY_TEST_POSTGRES_URL || undefined;

const skipReason = "no PostgreSQL server: set COLONY_TEST_POSTGRES_URL or install postgresql (.ci/postgres start)";

if (!postgresUrl && process.env.COLONY_REQUIRE_POSTGRES === "1") {
  throw new Error(`COLONY_REQUIRE_POSTGRES=1 but ${skipReason}`);
}

/** `describe` when a server is there; otherwise a skipped block whose title says why. */
export function describePostgres(name: string, body: () => void): void {
  if (postgresUrl) describe(name, body);
  else describe.skip(`${name} (skipped: ${skipReason})`, body);
}

export interface PostgresDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A new, empty database on the test server, so every test starts from nothing. */
export async function freshPostgresDatabase(): Promise<PostgresDatabase> {
  if (!postgresUrl) throw new Error(skipReason);
  const name = `colony_test_${randomBytes(6).toString("hex")}`;
  await onServer((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => onServer((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function onServer(work: (admin: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
}

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import pg from "pg";
import { notice } from "./notice.js";

/** What a PostgreSQL figure depends on most, read from the server with SHOW. */
const SETTINGS = [
  "server_version",
  "fsync",
  "synchronous_commit",
  "wal_sync_method",
  "full_page_writes",
  "commit_delay",
  "shared_buffers",
  "max_connections",
] as const;

export interface PostgresServer {
  /** A database of the server to run CREATE / DROP DATABASE on. */
  readonly url: string;
  /** Which server this is, for the notices. */
  readonly origin: string;
}

/**
 * Runs `work` against a PostgreSQL server: BENCH_POSTGRES_URL if set; otherwise a throwaway
 * cluster with the server's default settings (`.ci/postgres start`, stopped afterwards), because
 * a shared test server may run with fsync off, which flatters every commit; otherwise
 * COLONY_TEST_POSTGRES_URL. Its settings are printed either way.
 */
export async function withPostgresServer<T>(work: (server: PostgresServer) => Promise<T>): Promise<T> {
  const given = process.env.BENCH_POSTGRES_URL;
  if (given) return onServer({ url: given, origin: "BENCH_POSTGRES_URL" }, work);
  if (serverBinariesInstalled()) {
    const exports = execFileSync("bash", [".ci/postgres", "start"], { encoding: "utf8" });
    const vars = Object.fromEntries([...exports.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    const url = vars.COLONY_TEST_POSTGRES_URL;
    const dir = vars.COLONY_PG_DIR;
    if (!url || !dir) throw new Error(`.ci/postgres start printed no URL and directory:\n${exports}`);
    try {
      return await onServer({ url, origin: `a throwaway cluster in ${dir} (.ci/postgres start, defaults)` }, work);
    } finally {
      execFileSync("bash", [".ci/postgres", "stop", dir]);
    }
  }
  const test = process.env.COLONY_TEST_POSTGRES_URL;
  if (test) return onServer({ url: test, origin: "COLONY_TEST_POSTGRES_URL" }, work);
  throw new Error(
    "the postgres suite needs a server: set BENCH_POSTGRES_URL, or install the PostgreSQL server binaries (/usr/lib/postgresql/*/bin)",
  );
}

function serverBinariesInstalled(): boolean {
  const root = "/usr/lib/postgresql";
  return existsSync(root) && readdirSync(root).some((v) => existsSync(`${root}/${v}/bin/initdb`));
}

async function onServer<T>(server: PostgresServer, work: (server: PostgresServer) => Promise<T>): Promise<T> {
  const settings = await onClient(server.url, async (client) => {
    const shown: string[] = [];
    for (const name of SETTINGS) {
      const { rows } = await client.query<Record<string, string>>(`SHOW ${name}`);
      shown.push(`${name}=${Object.values(rows[0] ?? {})[0]}`);
    }
    return shown;
  });
  notice(`PostgreSQL: ${server.origin} at ${new URL(server.url).host}; ${settings.join(", ")}`);
  return work(server);
}

/** Runs `work` with the URL of a new, empty database on the server, dropped afterwards. */
export async function withFreshDatabase<T>(server: PostgresServer, work: (url: string) => Promise<T>): Promise<T> {
  const name = `colony_bench_${randomBytes(6).toString("hex")}`;
  await onClient(server.url, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await onClient(server.url, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

/** As withFreshDatabase, with `count` databases at once. */
export async function withFreshDatabases<T>(
  server: PostgresServer,
  count: number,
  work: (urls: string[]) => Promise<T>,
): Promise<T> {
  if (count === 0) return work([]);
  return withFreshDatabase(server, (url) => withFreshDatabases(server, count - 1, (urls) => work([url, ...urls])));
}

/** The database's committed and rolled-back transactions so far (pg_stat_database; ended sessions are all in it). */
export async function transactionCounts(url: string): Promise<{ commits: number; rollbacks: number }> {
  return onClient(url, async (client) => {
    const { rows } = await client.query<{ commits: number; rollbacks: number }>(
      `SELECT xact_commit::float8 AS commits, xact_rollback::float8 AS rollbacks
         FROM pg_stat_database WHERE datname = current_database()`,
    );
    return rows[0] ?? { commits: 0, rollbacks: 0 };
  });
}

/** The URL with a server setting for every session opened through it (libpq's `options`). */
export function withSessionSetting(url: string, setting: string, value: string): string {
  const withOption = new URL(url);
  withOption.searchParams.set("options", `-c ${setting}=${value}`);
  return withOption.toString();
}

async function onClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

import pg from "pg";
import type { EventStore } from "../../domain/ports/event-store.js";
import type { AnyProjection } from "../../projections/projection.js";
import {
  type ProjectionReport,
  reportProjections,
  type StoredCheckpoint,
} from "../../projections/projection-reports.js";
import { type Progress, ProjectionRunner, type RunnerOptions } from "../../projections/projection-runner.js";
import { absentTable, type TableDigest, type TableHash, TableHasher } from "../read-model-hash.js";
import { CHECKPOINTS, PostgresProjectionStore } from "./postgres-projection-store.js";

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** Rows read per round trip while hashing a table. */
const HASH_PAGE = 5_000;

/**
 * The checkpoint table as it is, read without creating or changing anything (unlike
 * `PostgresProjectionStore.prepare`). No table: no projection was ever built in this database.
 */
export async function readPostgresCheckpoints(pool: pg.Pool): Promise<Map<string, StoredCheckpoint>> {
  const { rows: found } = await pool.query<{ there: boolean }>("SELECT to_regclass($1) IS NOT NULL AS there", [
    CHECKPOINTS,
  ]);
  if (!found[0]?.there) return new Map();
  const { rows } = await pool.query<{ name: string; version: number; position: string }>(
    `SELECT name, version, position::text AS position FROM ${CHECKPOINTS} ORDER BY name`,
  );
  return new Map(rows.map((r) => [r.name, { name: r.name, version: r.version, position: BigInt(r.position) }]));
}

/** Where each projection stands against the log's head; reads only. */
export async function postgresProjectionReports(
  pool: pg.Pool,
  projections: readonly AnyProjection[],
  head: bigint,
): Promise<ProjectionReport[]> {
  return reportProjections(await readPostgresCheckpoints(pool), projections, head);
}

export interface PostgresRebuildOptions extends RunnerOptions {
  /** Last position to fold in (default, and at most: the head when the fold starts). */
  readonly to?: bigint;
  readonly onProgress?: (progress: Progress) => void;
}

/**
 * Drops the projections' read models and folds the log into them again, up to `to`. Each batch
 * commits with its checkpoint, so a rebuild that is stopped resumes (on the next catch-up, in
 * this process or another) after the last batch it committed. Returns the position reached.
 */
export async function rebuildPostgresProjections(
  events: EventStore,
  pool: pg.Pool,
  projections: readonly AnyProjection[],
  options: PostgresRebuildOptions = {},
): Promise<bigint> {
  const store = await preparedStore(pool, projections);
  await store.reset(projections.map((p) => p.name));
  return fold(events, store, options);
}

/** Folds what the projections have not seen yet, up to `to`; nothing is dropped. */
export async function catchUpPostgresProjections(
  events: EventStore,
  pool: pg.Pool,
  projections: readonly AnyProjection[],
  options: PostgresRebuildOptions = {},
): Promise<bigint> {
  return fold(events, await preparedStore(pool, projections), options);
}

async function preparedStore(pool: pg.Pool, projections: readonly AnyProjection[]) {
  const store = new PostgresProjectionStore(pool, projections);
  await store.prepare();
  return store;
}

function fold(events: EventStore, store: PostgresProjectionStore, options: PostgresRebuildOptions): Promise<bigint> {
  const { to, onProgress, ...runnerOptions } = options;
  return new ProjectionRunner(events, store, runnerOptions).catchUp({ to, onProgress });
}

/** Integers as bigint (never rounded), as the SQLite hash reads them; the rest as pg parses it. */
const exactIntegers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    const { INT2, INT4, INT8 } = pg.types.builtins;
    if (format !== "binary" && (oid === INT2 || oid === INT4 || oid === INT8)) return (text: string) => BigInt(text);
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * A content hash of one table (read-model-hash.ts): its columns and declared types, then every
 * row in primary-key order (else ordered by every column), read from one snapshot a page at a
 * time through a cursor, integers as bigint.
 */
export async function hashPostgresTable(pool: pg.Pool, table: string): Promise<TableDigest> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows: columns } = await client.query<{ name: string; type: string; attnum: number }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnum
         FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [quote(table)],
    );
    if (columns.length === 0) return absentTable(table);
    const { rows: keys } = await client.query<{ key: string }>(
      "SELECT indkey::text AS key FROM pg_index WHERE indrelid = to_regclass($1) AND indisprimary",
      [quote(table)],
    );
    const keyColumns = (keys[0]?.key.split(" ") ?? []).map((n) => columns.find((c) => c.attnum === Number(n)));
    const order = (keyColumns.length > 0 ? keyColumns : columns).map((c) => quote(c?.name ?? "")).join(", ");
    const hasher = new TableHasher(table, columns);
    await client.query(
      `DECLARE hashed NO SCROLL CURSOR FOR SELECT ${columns.map((c) => quote(c.name)).join(", ")} FROM ${quote(table)} ORDER BY ${order}`,
    );
    for (;;) {
      const page = await client.query<unknown[]>({
        text: `FETCH ${HASH_PAGE} FROM hashed`,
        rowMode: "array",
        types: exactIntegers,
      });
      for (const row of page.rows) hasher.row(row);
      if (page.rows.length < HASH_PAGE) break;
    }
    return hasher.digest();
  } finally {
    await client.query("ROLLBACK").catch(() => {});
    client.release();
  }
}

/** Hashes every table of the given projections, in their declared order. */
export async function hashPostgresProjectionTables(
  pool: pg.Pool,
  projections: readonly AnyProjection[],
): Promise<TableHash[]> {
  const hashes: TableHash[] = [];
  for (const projection of projections) {
    for (const table of projection.tables) {
      hashes.push({ projection: projection.name, table, ...(await hashPostgresTable(pool, table)) });
    }
  }
  return hashes;
}

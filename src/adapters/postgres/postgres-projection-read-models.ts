import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { ReadModels } from "../../projections/read-models.js";

const INT8 = pg.types.builtins.INT8;
const NUMERIC = pg.types.builtins.NUMERIC;

/**
 * How the read-model pool turns PostgreSQL values into JavaScript: as better-sqlite3 does for
 * the same reads on SQLite, so the runtime's queries get one set of types on both. Integer
 * columns are `bigint` here (postgres-projection-dialect.ts) and `count(*)` is int8; `pg`
 * would give them as strings, better-sqlite3 gives numbers: int8 becomes a number, exact up to
 * 2^53 (beyond, rounded, as better-sqlite3 rounds them). `sum` and `avg` give numeric: a number
 * too, as SQLite's are. Everything else keeps pg's parsing (text is text, NULL is null). Set
 * per pool, never on pg's global table, so the log's own queries keep theirs.
 */
export const readModelTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (format !== "binary" && (oid === INT8 || oid === NUMERIC)) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * A pool for read-model reads and the projection store (which reads its checkpoints as text).
 * Pipelined: the store sends a batch's writes without waiting for each (1.5-2x the fold rate on
 * one machine); reads, one query after another, are the same as without.
 */
export function readModelPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool({ ...config, types: readModelTypes, pipeline: true });
  // An idle client losing its connection (a server restart) is dropped by the pool and the next
  // query opens another; without a listener the 'error' event would end the process.
  pool.on("error", () => {});
  return pool;
}

/** The typed read-model Kysely over such a pool; ending the pool stays with its owner. */
export function postgresReadModels(pool: pg.Pool): Kysely<ReadModels> {
  return new Kysely<ReadModels>({ dialect: new PostgresDialect({ pool }) });
}

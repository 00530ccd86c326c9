import type pg from "pg";
import { LOG_SCHEMA, LOG_WRITERS, lockArguments } from "./advisory-locks.js";
import { INDEX_BITS } from "./commit-order.js";
import { onClient } from "./log-pool.js";

/**
 * The PostgreSQL log tables. `position` is (transaction id + offset, index) packed into a bigint
 * (commit-order.ts); `transaction_id` keeps the writing transaction's xid8 itself. `data` and
 * `metadata` are `json`, which keeps the text exactly as written (jsonb would reorder keys and
 * refuse "\u0000"), so a retried append is compared with what was stored byte for byte.
 */
const migrations: readonly string[] = [
  `CREATE TABLE events (
     position       bigint  PRIMARY KEY,
     transaction_id xid8    NOT NULL,
     stream_id      text    NOT NULL,
     version        bigint  NOT NULL,
     type           text    NOT NULL,
     data           json    NOT NULL,
     event_id       uuid    NOT NULL,
     recorded_at    text    NOT NULL,
     schema_version integer NOT NULL,
     metadata       json,
     CONSTRAINT events_stream_version UNIQUE (stream_id, version),
     CONSTRAINT events_event_id UNIQUE (event_id)
   );
   -- The offset that makes the log's first transaction number about 1 (commit-order.ts).
   CREATE TABLE colonylog_log_clock (transaction_offset bigint NOT NULL);
   INSERT INTO colonylog_log_clock SELECT 1 - pg_current_xact_id()::text::bigint;`,
];

export const LOG_SCHEMA_VERSION = migrations.length;
const VERSION_TABLE = "colonylog_log_schema";
/** Every table of the log, for what removes a log whole (the demo, recreating its own). */
export const LOG_TABLES: readonly string[] = ["events", "colonylog_log_clock", VERSION_TABLE];

/**
 * Brings the log to this colonylog's schema, in one transaction under an advisory lock, so
 * processes opening a new log at once take turns and all but the first find nothing to do.
 *
 * Then it checks the clock: a log restored into another cluster (pg_dump) meets transaction ids
 * lower than the ones its positions were made of, and its next appends would sort before
 * events already stored. The offset is then moved so new positions follow the last one. That
 * runs with LOG_WRITERS held exclusively: no append is in flight, and every append that ended
 * before had a lower transaction id than this one, so on a log that was not moved the check
 * never fires.
 */
export async function migrateLog(pool: pg.Pool): Promise<void> {
  await onClient(pool, async (client) => {
    await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${lockArguments(LOG_SCHEMA)})`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version integer NOT NULL)`);
    const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${VERSION_TABLE}`);
    const current = rows[0]?.v ?? 0;
    if (current > LOG_SCHEMA_VERSION) {
      throw new Error(`the log is at schema ${current}, newer than this colonylog's ${LOG_SCHEMA_VERSION}`);
    }
    for (let version = current + 1; version <= LOG_SCHEMA_VERSION; version++) {
      await client.query(migrations[version - 1] as string);
      await client.query(`INSERT INTO ${VERSION_TABLE} (version) VALUES ($1)`, [version]);
    }
    await client.query(`SELECT pg_advisory_xact_lock(${lockArguments(LOG_WRITERS)})`);
    await client.query(
      `UPDATE colonylog_log_clock
          SET transaction_offset = (SELECT max(position) >> ${INDEX_BITS} FROM events) + 1 - pg_current_xact_id()::text::bigint
        WHERE (pg_current_xact_id()::text::bigint + transaction_offset) << ${INDEX_BITS}
              <= (SELECT coalesce(max(position), 0) FROM events)`,
    );
    await client.query("COMMIT");
  });
}

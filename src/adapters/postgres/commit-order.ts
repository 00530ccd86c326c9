import type pg from "pg";
import { LOG_WRITERS } from "./advisory-locks.js";

/**
 * Commit-order-safe global positions (DESIGN §2, PostgreSQL).
 *
 * Sequences are handed out in insert order, not commit order: a reader that follows
 * `position > last` can pass a row whose transaction commits late and never see it. So a
 * position is instead made of its transaction and its place in it,
 *
 *   position = (transaction id + offset) * 2^20 + index within the transaction,
 *
 * and readers take only rows below a bound that no transaction still writing can go under.
 * Positions are unique (one transaction id per transaction, distinct indexes in it) and grow in
 * (transaction id, index) order; they have gaps.
 *
 * Room: an index takes 20 bits (an append of more than 2^20 events is refused before anything
 * is written), so the transaction number `id + offset` has 43 bits below the signed 64-bit
 * limit: (2^43 - 1) * 2^20 + (2^20 - 1) = 2^63 - 1. The offset starts the count near 1 when the
 * log is created (log-schema.ts), so 2^43 transactions on the cluster after that (27 years at
 * 10,000 write transactions a second) fit; PostgreSQL refuses an overflowing insert rather than
 * wrapping, so nothing is ever stored out of order. Positions stay below 2^53 (exact as JSON
 * numbers) for the first 2^33 transactions.
 *
 * The bound. Every append transaction takes the advisory lock LOG_WRITERS before its transaction
 * id is assigned and holds it to the end. A reader asks, in one statement, for its snapshot's
 * xmax (`pg_snapshot_xmax(pg_current_snapshot())`, one past the latest finished transaction id,
 * so every id below it was assigned before the snapshot) and the ids of the append transactions
 * holding LOG_WRITERS (`pg_locks`, read once, after the snapshot), and takes the lowest: every
 * append transaction below it has finished, because one with a lower id already held the lock
 * when the snapshot was taken, so was either among the holders read after it or had ended
 * before the read. The rows are then read by a second statement, whose snapshot is later and so sees every
 * one of those commits. No later commit can ever land below a bound a reader has passed, so a
 * reader between two interleaved transactions neither skips nor reorders.
 *
 * This is `pg_snapshot_xmin(pg_current_snapshot())` narrowed to the transactions that append
 * to this log: the plain xmin would hold readers back behind any transaction anywhere on the
 * cluster (another database's, a report's, an idle session's), and would keep a process from
 * reading back its own committed appends while any of those runs. What still holds readers
 * (subscribers, readAll, headPosition) back is a long-open *append* transaction on this log:
 * nothing of its id or later is delivered until it ends. Readers must query the primary: a
 * standby's pg_locks does not show the primary's append transactions.
 *
 * Appends that fold inline projections take LOG_WRITERS exclusively: when one holds it, every
 * append with a lower transaction id has ended, so the events it folds after the projections'
 * checkpoint are all there is below its own, and its checkpoint never passes an event that
 * commits later.
 */

/** Bits of a position taken by the index within its transaction. */
export const INDEX_BITS = 20n;
/** The most events one append transaction can write. */
export const MAX_EVENTS_PER_TRANSACTION = 2 ** Number(INDEX_BITS);

/** The first position of the transaction with this id, with the log's offset. */
export function transactionPosition(transactionId: bigint, offset: bigint): bigint {
  return (transactionId + offset) << INDEX_BITS;
}

const WRAP = 2n ** 32n;
const HALF = 2n ** 31n;

/**
 * The 64-bit transaction id (xid8) of a 32-bit `xid` as pg_locks shows it, given a nearby full
 * id: live transaction ids are never more than 2^31 apart, so the nearest match is the one.
 */
export function fullTransactionId(xid: bigint, near: bigint): bigint {
  const delta = ((((xid - (near % WRAP)) % WRAP) + WRAP + HALF) % WRAP) - HALF;
  return near + delta;
}

/** What the bound statement reads: its snapshot's xmax and the append transactions. */
export interface WriterSnapshot {
  /** The snapshot's xmax: every transaction id below it was assigned before the snapshot. */
  readonly next: bigint;
  readonly offset: bigint;
  /** The 32-bit ids of the transactions holding LOG_WRITERS with an id assigned. */
  readonly writers: readonly bigint[];
}

/** The first position a reader must not read yet: every row below it is final. */
export function safeBound({ next, offset, writers }: WriterSnapshot): bigint {
  let lowest = next;
  for (const xid of writers) {
    const full = fullTransactionId(xid, next);
    if (full < lowest) lowest = full;
  }
  return transactionPosition(lowest, offset);
}

// One evaluation of pg_locks (MATERIALIZED), after the statement's snapshot was taken.
const WRITERS_SQL = `
  WITH locks AS MATERIALIZED (
    SELECT locktype, database, classid, objid, objsubid, virtualtransaction, transactionid, mode, granted
    FROM pg_locks
  )
  SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next,
         (SELECT transaction_offset::text FROM colonylog_log_clock) AS offset,
         (SELECT string_agg(t.transactionid::text, ',')
            FROM locks a JOIN locks t ON t.virtualtransaction = a.virtualtransaction
           WHERE a.locktype = 'advisory' AND a.granted AND a.objsubid = 2
             AND a.classid = ${LOG_WRITERS.classid} AND a.objid = ${LOG_WRITERS.objid}
             AND a.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock' AND t.granted) AS writers`;

/** Reads the bound; the rows must be read by a later statement (see above). */
export async function readSafeBound(client: pg.Pool | pg.ClientBase): Promise<bigint> {
  const { rows } = await client.query<{ next: string; offset: string; writers: string | null }>(WRITERS_SQL);
  const row = rows[0] as { next: string; offset: string; writers: string | null };
  return safeBound({
    next: BigInt(row.next),
    offset: BigInt(row.offset),
    writers: row.writers === null ? [] : row.writers.split(",").map(BigInt),
  });
}

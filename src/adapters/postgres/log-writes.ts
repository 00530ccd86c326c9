import type pg from "pg";
import { EventIdConflictError, InvalidArgumentError } from "../../domain/errors.js";
import type { EventCatalogue } from "../../domain/events/catalogue.js";
import { assertExpectedVersion, nextVersion } from "../../domain/expected-version.js";
import type { AppendResult } from "../../domain/ports/event-store.js";
import type { PreparedAppend } from "../../domain/prepare-append.js";
import { MAX_POSITION } from "../event-store-kit/read-options.js";
import { retriedAppend } from "../event-store-kit/retried-append.js";
import { optionalMetadataJson } from "../event-store-kit/stored-event.js";
import { LOG_WRITERS, lockArguments } from "./advisory-locks.js";
import { INDEX_BITS, MAX_EVENTS_PER_TRANSACTION } from "./commit-order.js";
import { decodeRow, queryRows, rowStatements } from "./log-rows.js";

/**
 * The steps of an append transaction, each on the client it is given, so the store runs them in
 * one transaction (begin, write, fold inline, commit) and nothing else has to know their SQL.
 */

/** The channel every append notifies, so subscriptions in other processes read again. */
export const APPEND_CHANNEL = "colonylog_events";

/** "shared" for appends that fold nothing inline, "exclusive" for those that do (commit-order.ts). */
export type WriterLock = "shared" | "exclusive";

/** Refuses, before anything is written, what no transaction can take. */
export function assertWritable(appends: readonly PreparedAppend[]): void {
  let total = 0;
  for (const { streamId, events } of appends) {
    if (events.length === 0) throw new InvalidArgumentError("events", `append to ${streamId} has no events`);
    total += events.length;
  }
  if (total > MAX_EVENTS_PER_TRANSACTION) {
    throw new InvalidArgumentError(
      "events",
      `an append to PostgreSQL holds at most ${MAX_EVENTS_PER_TRANSACTION} events (2^${INDEX_BITS}, the index part of a position); this one has ${total}`,
    );
  }
}

export interface AppendStart {
  /** The position of the transaction's first event. */
  readonly first: bigint;
  /**
   * With LOG_WRITERS exclusive: the log's last position (0 when empty) as the lock was taken.
   * Final, since every other append has ended then and none can start until this one ends.
   */
  readonly head: bigint | undefined;
}

/**
 * BEGIN, then LOG_WRITERS, then the transaction id (assigned here, so after the lock, as the
 * bound of readers requires), and with the lock exclusive the log's head, all in one round trip.
 * The head is read by a statement after the lock's (in READ COMMITTED each takes its own
 * snapshot), so it sees every append that ended before the lock was granted.
 */
export async function beginAppend(client: pg.ClientBase, lock: WriterLock): Promise<AppendStart> {
  const exclusive = lock === "exclusive";
  const take = exclusive ? "pg_advisory_xact_lock" : "pg_advisory_xact_lock_shared";
  const head = exclusive ? ", (SELECT coalesce(max(position), 0) FROM events)::text AS head" : "";
  const results = (await client.query(
    `BEGIN;
     SELECT ${take}(${lockArguments(LOG_WRITERS)});
     SELECT ((pg_current_xact_id()::text::bigint + transaction_offset) << ${INDEX_BITS})::text AS first${head}
       FROM colonylog_log_clock`,
  )) as unknown as [pg.QueryResult, pg.QueryResult, pg.QueryResult<{ first: string; head?: string }>];
  const row = results[2].rows[0] as { first: string; head?: string };
  return { first: BigInt(row.first), head: row.head === undefined ? undefined : BigInt(row.head) };
}

export interface Written {
  /** One per append, in order (a retried append's as stored the first time). */
  readonly results: AppendResult[];
  /** The results of the appends this transaction wrote (not the retried ones). */
  readonly written: AppendResult[];
}

/** Checks and inserts every append, its events numbered from `firstPosition` on. */
export async function writeAppends(
  client: pg.ClientBase,
  firstPosition: bigint,
  appends: readonly PreparedAppend[],
  catalogue: EventCatalogue,
): Promise<Written> {
  const results: AppendResult[] = [];
  const written: AppendResult[] = [];
  let position = firstPosition;
  for (const append of appends) {
    const retried = await findRetry(client, append, catalogue);
    if (retried) {
      results.push(retried);
      continue;
    }
    const result = await insert(client, append, position);
    position += BigInt(append.events.length);
    results.push(result);
    written.push(result);
  }
  return { results, written };
}

/** NOTIFY, then COMMIT: the notification goes out only if the append commits. */
export async function commitAppend(client: pg.ClientBase): Promise<void> {
  await client.query(`NOTIFY ${APPEND_CHANNEL}; COMMIT`);
}

/**
 * A failure a fresh attempt resolves: another transaction took the same version or event id
 * first (its row was not visible when this one checked), or a deadlock between appends taking
 * the same streams in different orders. The next attempt sees the winner, and then succeeds
 * (expected version "any", an exact retry) or refuses with the actual version.
 */
export function lostRace(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code === "40P01") return true;
  return code === "23505" && (constraint === "events_stream_version" || constraint === "events_event_id");
}

/**
 * An append whose first event id is stored is a retry (see retriedAppend); one reusing another
 * stored id is refused. Only ids the writer gave can be stored already.
 */
async function findRetry(
  client: pg.ClientBase,
  append: PreparedAppend,
  catalogue: EventCatalogue,
): Promise<AppendResult | undefined> {
  const given = append.events.filter((e) => e.idGiven).map((e) => e.metadata.eventId);
  if (given.length === 0) return undefined;
  const { rows } = await client.query<{ event_id: string; stream_id: string; version: string }>(
    "SELECT event_id::text AS event_id, stream_id, version::text AS version FROM events WHERE event_id = ANY($1::uuid[])",
    [given],
  );
  const [found] = rows;
  if (!found) return undefined;
  const first = append.events[0]?.metadata.eventId;
  const stored = rows.find((r) => r.event_id === first);
  if (!stored) throw new EventIdConflictError(found.event_id, append.streamId);
  const original = await queryRows(client, rowStatements.forwards, [
    stored.stream_id,
    stored.version,
    MAX_POSITION,
    append.events.length,
  ]);
  return retriedAppend(
    append,
    original.map((row) => ({ event: decodeRow(catalogue, row), dataJson: row[4] })),
  );
}

/** Events per INSERT: one statement per chunk keeps messages small for huge appends. */
const CHUNK = 1000;

const COLUMNS =
  "position, transaction_id, stream_id, version, type, data, event_id, recorded_at, schema_version, metadata";
const EVENTS = `unnest($4::text[], $5::json[], $6::uuid[], $7::text[], $8::integer[], $9::json[])
  WITH ORDINALITY AS e(type, data, event_id, recorded_at, schema_version, metadata, n)`;
const VALUES = (firstVersion: string) => `$1::bigint + e.n - 1, pg_current_xact_id(), $2, ${firstVersion} + e.n - 1,
  e.type, e.data, e.event_id, e.recorded_at, e.schema_version, e.metadata`;

/**
 * The first chunk, numbered after the stream's last committed version in the same statement (one
 * round trip less under the writers' lock), which it returns: the caller then checks the expected
 * version, and a refusal rolls the rows back with the transaction. $3 is a new stream's first version;
 * an existing stream's next is its last + 1, as nextVersion numbers them.
 */
const INSERT_FIRST = `
  WITH current AS (SELECT max(version) AS v FROM events WHERE stream_id = $2),
       inserted AS (INSERT INTO events (${COLUMNS}) SELECT ${VALUES("coalesce(current.v + 1, $3::bigint)")} FROM current, ${EVENTS})
  SELECT v::text AS v FROM current`;

/** The later chunks, numbered from $3. */
const INSERT_NEXT = `INSERT INTO events (${COLUMNS}) SELECT ${VALUES("$3::bigint")} FROM ${EVENTS}`;

async function insert(client: pg.ClientBase, append: PreparedAppend, firstPosition: bigint): Promise<AppendResult> {
  const { streamId, events } = append;
  let firstVersion = nextVersion("no_stream");
  for (let start = 0; start < events.length; start += CHUNK) {
    const chunk = events.slice(start, start + CHUNK);
    const { rows } = await client.query<{ v: string | null }>(start === 0 ? INSERT_FIRST : INSERT_NEXT, [
      firstPosition + BigInt(start),
      streamId,
      firstVersion + BigInt(start),
      chunk.map((e) => e.type),
      chunk.map((e) => JSON.stringify(e.data)),
      chunk.map((e) => e.metadata.eventId),
      chunk.map((e) => e.metadata.recordedAt),
      chunk.map((e) => e.metadata.schemaVersion),
      chunk.map((e) => optionalMetadataJson(e.metadata)),
    ]);
    if (start === 0) {
      const current = rows[0]?.v;
      const actual = current === null || current === undefined ? "no_stream" : BigInt(current);
      assertExpectedVersion(streamId, append.expectedVersion, actual);
      firstVersion = nextVersion(actual);
    }
  }
  return {
    streamId,
    nextExpectedVersion: firstVersion + BigInt(events.length - 1),
    events: events.map((event, i) => ({
      position: firstPosition + BigInt(i),
      streamId,
      version: firstVersion + BigInt(i),
      type: event.type,
      data: event.data,
      metadata: event.metadata,
    })),
  };
}

import type pg from "pg";
import type { RecordedEvent } from "../../domain/envelope.js";
import type { EventCatalogue } from "../../domain/events/catalogue.js";
import { storedEvent } from "../event-store-kit/stored-event.js";

/**
 * A stored row as the log's SELECTs return it (array mode), every column as text, so reading
 * never depends on how the pool was told to parse int8, json or uuid (a pool shared with the
 * read models parses them its own way):
 * [position, stream_id, version, type, data, event_id, recorded_at, schema_version, metadata].
 */
export type Row = [string, string, string, string, string, string, string, string, string | null];

const COLUMNS =
  "position::text, stream_id, version::text, type, data::text, event_id::text, recorded_at, schema_version::text, metadata::text";

export const positionOf = (row: Row): bigint => BigInt(row[0]);
export const versionOf = (row: Row): bigint => BigInt(row[2]);

export function decodeRow(catalogue: EventCatalogue, row: Row): RecordedEvent {
  const [position, streamId, version, type, data, eventId, recordedAt, schemaVersion, optional] = row;
  return storedEvent(
    catalogue,
    BigInt(position),
    streamId,
    BigInt(version),
    type,
    data,
    eventId,
    recordedAt,
    Number(schemaVersion),
    optional,
  );
}

// ORDER BY names the table's columns: a bare `version` would sort by the text output column.
export const rowStatements = {
  /** Global order, from a position (inclusive) up to a bound (exclusive). */
  range: `SELECT ${COLUMNS} FROM events WHERE position >= $1 AND position < $2 ORDER BY events.position LIMIT $3`,
  forwards: `SELECT ${COLUMNS} FROM events
             WHERE stream_id = $1 AND version >= $2 AND version <= $3 ORDER BY events.version LIMIT $4`,
  backwards: `SELECT ${COLUMNS} FROM events
              WHERE stream_id = $1 AND version <= $2 AND version >= $3 ORDER BY events.version DESC LIMIT $4`,
} as const;

export async function queryRows(
  client: pg.Pool | pg.ClientBase,
  text: string,
  values: readonly unknown[],
): Promise<Row[]> {
  const result = await client.query<Row>({ text, values: [...values], rowMode: "array" });
  return result.rows;
}

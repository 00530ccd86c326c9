import type { RecordedEvent } from "../../domain/envelope.js";
import { EventIdConflictError } from "../../domain/errors.js";
import type { AppendResult } from "../../domain/ports/event-store.js";
import type { PreparedAppend } from "../../domain/prepare-append.js";

/** A stored event as a retry compares it: decoded, and its data as the JSON text it was stored as. */
export interface StoredForRetry {
  readonly event: RecordedEvent;
  readonly dataJson: string;
}

/**
 * A retry is an append whose first event id is already stored: if every event is stored, in
 * order, in this stream, with the same type and data, the first append's result is returned and
 * nothing is written. Reusing an id for anything else is refused.
 *
 * `stored`: the events of the stream holding the first id, from that event's version on, at most
 * as many as the append has.
 */
export function retriedAppend(append: PreparedAppend, stored: readonly StoredForRetry[]): AppendResult {
  append.events.forEach((event, i) => {
    const row = stored[i];
    const same =
      row !== undefined &&
      row.event.streamId === append.streamId &&
      row.event.metadata.eventId === event.metadata.eventId &&
      row.event.type === event.type &&
      row.dataJson === JSON.stringify(event.data);
    if (!same) throw new EventIdConflictError(event.metadata.eventId, append.streamId);
  });
  const events = stored.map((row) => row.event);
  return { streamId: append.streamId, nextExpectedVersion: (events.at(-1) as RecordedEvent).version, events };
}

import { EventIdConflictError } from "../../domain/errors.js";
import type { EventCatalogue } from "../../domain/events/catalogue.js";
import type { AppendResult } from "../../domain/ports/event-store.js";
import type { PreparedAppend } from "../../domain/prepare-append.js";
import { recordedEventOf, type StoredEvent } from "./event-codec.js";

/**
 * Whether an append is a retry of one already stored, judged as the SQLite store judges it:
 * `found` holds the events of the target stream that carry one of the append's ids. None found:
 * not a retry. Every event found, in order, contiguous, with the same type and data: a retry,
 * answered with the events as stored the first time. Anything in between reuses an id for a
 * different event and is refused.
 */
export function matchRetry(
  append: PreparedAppend,
  found: ReadonlyMap<string, StoredEvent>,
  catalogue: EventCatalogue,
): AppendResult | undefined {
  if (found.size === 0) return undefined;
  const [first] = append.events;
  const start = first && found.get(first.metadata.eventId);
  if (start === undefined) {
    const [reused] = found.keys();
    throw new EventIdConflictError(reused as string, append.streamId);
  }
  const stored = append.events.map((event, i) => {
    const original = found.get(event.metadata.eventId);
    const same =
      original !== undefined &&
      original.version === start.version + BigInt(i) &&
      original.type === event.type &&
      JSON.stringify(original.data) === JSON.stringify(event.data);
    if (!same) throw new EventIdConflictError(event.metadata.eventId, append.streamId);
    return original;
  });
  return {
    streamId: append.streamId,
    nextExpectedVersion: start.version + BigInt(stored.length - 1),
    events: stored.map((event) => recordedEventOf(event, catalogue)),
  };
}

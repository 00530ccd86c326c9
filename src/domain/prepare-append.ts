import { type EventMetadata, type NewEvent, NewEventMetadata } from "./envelope.js";
import { type ExpectedVersion, InvalidArgumentError, InvalidEventError } from "./errors.js";
import type { EventCatalogue } from "./events/catalogue.js";
import { issuesOf } from "./events/zod-issues.js";
import type { Clock } from "./ports/clock.js";
import type { StreamAppend } from "./ports/event-store.js";
import type { IdGenerator } from "./ports/id-generator.js";
import { parseStreamId } from "./stream-id.js";

export interface PreparedEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  /** The writer chose the id, so this may be a retry of an append already stored. */
  readonly idGiven: boolean;
}

export interface PreparedAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly PreparedEvent[];
}

export interface PrepareContext {
  readonly catalogue: EventCatalogue;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

function checkExpectedVersion(value: unknown): ExpectedVersion {
  if (value === "any" || value === "no_stream" || value === "stream_exists") return value;
  if (typeof value === "bigint" && value >= 0n) return value;
  throw new InvalidArgumentError(
    "expectedVersion",
    `expected a bigint >= 0n or "no_stream", "stream_exists", "any"; got ${typeof value === "bigint" ? `${value}n` : JSON.stringify(value)}`,
  );
}

/**
 * Validates a whole (multi-stream) append before anything touches storage, and stamps the
 * envelope: event id (kept when given, so retries are recognised), time, schema version.
 * Every adapter calls this first, so "an invalid event writes nothing" holds everywhere.
 */
export function prepareAppend(context: PrepareContext, appends: readonly StreamAppend[]): PreparedAppend[] {
  if (!Array.isArray(appends)) throw new InvalidArgumentError("appends", "expected an array");
  const recordedAt = context.clock.now().toISOString();
  const seenIds = new Set<string>();
  return appends.map((append) => {
    const { category } = parseStreamId(append.streamId);
    const expectedVersion = checkExpectedVersion(append.expectedVersion);
    const given: readonly NewEvent[] = append.events;
    if (!Array.isArray(given)) throw new InvalidArgumentError("events", "expected an array of events");
    const events = given.map((event, index): PreparedEvent => {
      const { data, schemaVersion } = context.catalogue.validate(category, event?.type, event?.data, index);
      const metadata =
        event.metadata === undefined
          ? { success: true as const, data: {} }
          : NewEventMetadata.safeParse(event.metadata);
      if (!metadata.success) throw new InvalidEventError(event.type, issuesOf(metadata.error, "metadata"), index);
      const idGiven = metadata.data.eventId !== undefined;
      const eventId = metadata.data.eventId ?? context.ids.uuid();
      if (seenIds.has(eventId)) throw new InvalidArgumentError("eventId", `${eventId} appears twice in one append`);
      seenIds.add(eventId);
      return {
        type: event.type,
        data,
        metadata: { ...metadata.data, eventId, recordedAt: metadata.data.recordedAt ?? recordedAt, schemaVersion },
        idGiven,
      };
    });
    return { streamId: append.streamId, expectedVersion, events };
  });
}

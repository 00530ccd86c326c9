import type { z } from "zod";
import { type EventMetadata, type NewEvent, NewEventMetadata } from "./envelope.js";
import { type EventLocation, type ExpectedVersion, InvalidArgumentError, InvalidEventError } from "./errors.js";
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

function parseMetadata(event: NewEvent, location: EventLocation): z.output<typeof NewEventMetadata> {
  if (event.metadata === undefined) return {};
  const parsed = NewEventMetadata.safeParse(event.metadata);
  if (!parsed.success) throw new InvalidEventError(event.type, issuesOf(parsed.error, "metadata"), location);
  return parsed.data;
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
    const newEvents: readonly NewEvent[] = append.events;
    if (!Array.isArray(newEvents)) throw new InvalidArgumentError("events", "expected an array of events");
    const events = newEvents.map((event, index): PreparedEvent => {
      const location = { streamId: append.streamId, index };
      const { data, schemaVersion } = context.catalogue.validate(category, event?.type, event?.data, location);
      const given = parseMetadata(event, location);
      // One spelling per id (RFC 9562's lowercase), so a retry in capitals is still recognised.
      const eventId = given.eventId?.toLowerCase() ?? context.ids.uuid();
      if (seenIds.has(eventId)) throw new InvalidArgumentError("eventId", `${eventId} appears twice in one append`);
      seenIds.add(eventId);
      // One key order whatever the writer gave, so the same event is the same JSON in every log.
      const metadata: { -readonly [K in keyof EventMetadata]: EventMetadata[K] } = { eventId } as EventMetadata;
      if (given.correlationId !== undefined) metadata.correlationId = given.correlationId;
      if (given.causationId !== undefined) metadata.causationId = given.causationId;
      if (given.actor !== undefined) metadata.actor = given.actor;
      metadata.recordedAt = given.recordedAt ?? recordedAt;
      metadata.schemaVersion = schemaVersion;
      return { type: event.type, data, metadata, idGiven: given.eventId !== undefined };
    });
    return { streamId: append.streamId, expectedVersion, events };
  });
}

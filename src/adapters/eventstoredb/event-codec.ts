import {
  type AllStreamResolvedEvent,
  type RecordedEvent as ClientRecordedEvent,
  type EventData,
  type JSONType,
  jsonEvent,
  type ResolvedEvent,
} from "@eventstore/db-client";
import type { EventMetadata, RecordedEvent } from "../../domain/envelope.js";
import type { EventCatalogue } from "../../domain/events/catalogue.js";
import type { PreparedEvent } from "../../domain/prepare-append.js";
import { UnsupportedRecordError } from "./errors.js";
import { positionOfCommit } from "./log-position.js";
import type { StreamNames } from "./stream-names.js";

/**
 * The envelope fields besides the id (which is the server's own event id) and the type, as the
 * event's JSON metadata. Correlation and causation use the server's reserved names, so its
 * `$by_correlation_id` projection links our events too.
 */
interface StoredMetadata {
  schemaVersion: number;
  recordedAt: string;
  $correlationId?: string;
  $causationId?: string;
  actor?: string;
}

export function encodeEvent(event: PreparedEvent): EventData {
  const { eventId, correlationId, causationId, actor, recordedAt, schemaVersion } = event.metadata;
  const metadata: StoredMetadata = { schemaVersion, recordedAt };
  if (correlationId !== undefined) metadata.$correlationId = correlationId;
  if (causationId !== undefined) metadata.$causationId = causationId;
  if (actor !== undefined) metadata.actor = actor;
  // Catalogue payloads are JSON objects; the client's type for JSON data says as much.
  return jsonEvent({ id: eventId, type: event.type, data: event.data as JSONType, metadata });
}

/** An event of this log as the server holds it: data not yet upcast, metadata as written. */
export interface StoredEvent {
  /** Our global position (see log-position.ts). */
  readonly position: bigint;
  readonly streamId: string;
  readonly version: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

/** The commit position the server reports when it has none (stream reads before 22.6). */
const NO_POSITION = 2n ** 64n - 1n;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

const optionalString = (value: unknown): value is string | undefined =>
  value === undefined || (typeof value === "string" && value.length > 0);

function metadataOf(record: ClientRecordedEvent, refuse: (reason: string) => never): EventMetadata {
  const stored = record.metadata;
  if (!isObject(stored)) return refuse("its metadata is not a JSON object");
  const { schemaVersion, recordedAt, $correlationId, $causationId, actor } = stored;
  if (typeof schemaVersion !== "number" || !Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
    return refuse("its metadata has no schemaVersion");
  }
  if (typeof recordedAt !== "string") return refuse("its metadata has no recordedAt");
  if (!optionalString($correlationId) || !optionalString($causationId) || !optionalString(actor)) {
    return refuse("its metadata has a $correlationId, $causationId or actor that is not a string");
  }
  // prepareAppend's key order, so an event reads back as the same JSON from every store.
  const metadata: { -readonly [K in keyof EventMetadata]: EventMetadata[K] } = {
    eventId: record.id.toLowerCase(),
  } as EventMetadata;
  if ($correlationId !== undefined) metadata.correlationId = $correlationId;
  if ($causationId !== undefined) metadata.causationId = $causationId;
  if (actor !== undefined) metadata.actor = actor;
  metadata.recordedAt = recordedAt;
  metadata.schemaVersion = schemaVersion;
  return metadata;
}

/**
 * The event of a resolved event as this log's, or `undefined` when it is not this log's (see
 * `StreamNames.streamIdOf`: system events, other namespaces, other applications). Links are not
 * resolved by our reads, so `resolved.event` is the record itself.
 */
export function storedEventOf(
  resolved: ResolvedEvent | AllStreamResolvedEvent,
  names: StreamNames,
): StoredEvent | undefined {
  const record = resolved.event;
  if (record === undefined) return undefined;
  const streamId = names.streamIdOf(record.streamId, record.type);
  if (streamId === undefined) return undefined;
  const refuse = (reason: string): never => {
    throw new UnsupportedRecordError(record.streamId, record.revision, reason);
  };
  const { position } = record;
  if (position === undefined || position.commit === NO_POSITION) {
    return refuse("the server sent no log position with it (stream reads carry one from server 22.6 on)");
  }
  // Every event appended over gRPC is its own commit; only explicit transactions of the legacy
  // TCP API share one, and there our position would not be unique.
  if (position.commit !== position.prepare) {
    return refuse(`it was written in an explicit transaction (commit ${position.commit}, prepare ${position.prepare})`);
  }
  if (!record.isJson || !isObject(record.data)) return refuse("its data is not a JSON object");
  return {
    position: positionOfCommit(position.commit),
    streamId,
    version: record.revision,
    type: record.type,
    data: record.data,
    metadata: metadataOf(record, refuse),
  };
}

/** The stored event as readers get it: upcast to the catalogue's current schema version. */
export function recordedEventOf(stored: StoredEvent, catalogue: EventCatalogue): RecordedEvent {
  const upcast = catalogue.upcast(stored.type, stored.metadata.schemaVersion, stored.data);
  const metadata =
    upcast.schemaVersion === stored.metadata.schemaVersion
      ? stored.metadata
      : { ...stored.metadata, schemaVersion: upcast.schemaVersion };
  return {
    position: stored.position,
    streamId: stored.streamId,
    version: stored.version,
    type: stored.type,
    data: upcast.data,
    metadata,
  };
}

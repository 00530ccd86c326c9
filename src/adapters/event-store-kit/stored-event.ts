import type { EventMetadata, RecordedEvent } from "../../domain/envelope.js";
import type { EventCatalogue } from "../../domain/events/catalogue.js";

/**
 * How a log table keeps an event's envelope, in every SQL store: the id, the time and the schema
 * version as columns of their own, and the optional fields (correlation, causation, actor) as
 * JSON only when one is set (most events set none).
 */

type Optional = Pick<EventMetadata, "correlationId" | "causationId" | "actor">;

/** The optional fields as JSON, or null when none is set. */
export function optionalMetadataJson(metadata: EventMetadata): string | null {
  const { correlationId, causationId, actor } = metadata;
  if (correlationId === undefined && causationId === undefined && actor === undefined) return null;
  return JSON.stringify({ correlationId, causationId, actor });
}

/** The envelope again, its keys in the order prepareAppend gives them. */
export function storedMetadata(
  eventId: string,
  recordedAt: string,
  schemaVersion: number,
  optionalJson: string | null,
): EventMetadata {
  const metadata: { -readonly [K in keyof EventMetadata]: EventMetadata[K] } = { eventId } as EventMetadata;
  if (optionalJson !== null) {
    const optional = JSON.parse(optionalJson) as Optional;
    if (optional.correlationId !== undefined) metadata.correlationId = optional.correlationId;
    if (optional.causationId !== undefined) metadata.causationId = optional.causationId;
    if (optional.actor !== undefined) metadata.actor = optional.actor;
  }
  metadata.recordedAt = recordedAt;
  metadata.schemaVersion = schemaVersion;
  return metadata;
}

/**
 * An event read back from its columns, its data upcast to the catalogue's schema. Positional,
 * not an object, because a scan calls it once per row.
 */
export function storedEvent(
  catalogue: EventCatalogue,
  position: bigint,
  streamId: string,
  version: bigint,
  type: string,
  dataJson: string,
  eventId: string,
  recordedAt: string,
  storedSchemaVersion: number,
  optionalJson: string | null,
): RecordedEvent {
  const upcast = catalogue.upcast(type, storedSchemaVersion, JSON.parse(dataJson));
  return {
    position,
    streamId,
    version,
    type,
    data: upcast.data,
    metadata: storedMetadata(eventId, recordedAt, upcast.schemaVersion, optionalJson),
  };
}

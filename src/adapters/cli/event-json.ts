import type { z } from "zod";
import type { RecordedEvent, RecordedEventJson } from "../../domain/envelope.js";
import { InvalidArgumentError } from "../../domain/errors.js";

export type EventJson = z.infer<typeof RecordedEventJson>;

function toNumber(name: string, value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidArgumentError(name, `${value} does not fit a JSON number exactly`);
  }
  return Number(value);
}

/**
 * The export line of an event: the `RecordedEventJson` shape with its keys in one fixed order
 * (metadata as stored may list its keys in any order), so exporting the same log twice, or an
 * imported copy of it, gives the same bytes.
 */
export function toEventJson(event: RecordedEvent): EventJson {
  const { eventId, correlationId, causationId, actor, recordedAt, schemaVersion } = event.metadata;
  return {
    position: toNumber("position", event.position),
    streamId: event.streamId,
    version: toNumber("version", event.version),
    type: event.type,
    data: event.data,
    metadata: {
      eventId,
      ...(correlationId === undefined ? {} : { correlationId }),
      ...(causationId === undefined ? {} : { causationId }),
      ...(actor === undefined ? {} : { actor }),
      recordedAt,
      schemaVersion,
    },
  };
}

/** One JSON line, without the newline. */
export function toEventLine(event: RecordedEvent): string {
  return JSON.stringify(toEventJson(event));
}

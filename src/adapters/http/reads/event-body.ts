import { z } from "zod";
import type { RecordedEvent } from "../../../domain/envelope.js";
import { jsonNumber } from "./params.js";

/**
 * A stored event as the API carries it: the envelope in the API's snake_case, positions and
 * versions as JSON numbers, and `data` exactly as the log holds it (the event schemas' own field
 * names: rewriting keys would also rewrite the user data inside, such as a spawn's input).
 */
export const EventBody = z.strictObject({
  position: z.number().int().positive(),
  stream_id: z.string(),
  version: z.number().int().nonnegative(),
  type: z.string(),
  data: z.unknown(),
  metadata: z.strictObject({
    event_id: z.string(),
    correlation_id: z.string().nullable(),
    causation_id: z.string().nullable(),
    actor: z.string().nullable(),
    recorded_at: z.string(),
    schema_version: z.number().int().positive(),
  }),
});
export type EventBody = z.infer<typeof EventBody>;

export function eventBody(event: RecordedEvent): EventBody {
  const { metadata } = event;
  return {
    position: jsonNumber(event.position),
    stream_id: event.streamId,
    version: jsonNumber(event.version),
    type: event.type,
    data: event.data,
    metadata: {
      event_id: metadata.eventId,
      correlation_id: metadata.correlationId ?? null,
      causation_id: metadata.causationId ?? null,
      actor: metadata.actor ?? null,
      recorded_at: metadata.recordedAt,
      schema_version: metadata.schemaVersion,
    },
  };
}

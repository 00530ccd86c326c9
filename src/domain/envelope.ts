import { z } from "zod";
import { Timestamp } from "./events/fields.js";

/** What a stored event carries besides its data (DESIGN §2, Envelope). */
export interface EventMetadata {
  readonly eventId: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly actor?: string;
  readonly recordedAt: string;
  readonly schemaVersion: number;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  readonly position: bigint;
  readonly streamId: string;
  readonly version: bigint;
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

/**
 * The metadata a writer may set. `eventId` makes retries safe (give the same id, get no duplicate);
 * `recordedAt` is normally the store's clock and is only given when importing history.
 */
export const NewEventMetadata = z.strictObject({
  eventId: z.uuid().optional(),
  correlationId: z.string().min(1).max(200).optional(),
  causationId: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(200).optional(),
  recordedAt: Timestamp.optional(),
});
export type NewEventMetadata = z.input<typeof NewEventMetadata>;

export interface NewEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata?: NewEventMetadata;
}

/** The stored form of a RecordedEvent's envelope, as export files and the API carry it. */
export const RecordedEventJson = z.strictObject({
  position: z.number().int().positive(),
  streamId: z.string(),
  version: z.number().int().nonnegative(),
  type: z.string(),
  data: z.unknown(),
  metadata: z.strictObject({
    eventId: z.uuid(),
    correlationId: z.string().min(1).max(200).optional(),
    causationId: z.string().min(1).max(200).optional(),
    actor: z.string().min(1).max(200).optional(),
    recordedAt: Timestamp,
    schemaVersion: z.number().int().positive(),
  }),
});

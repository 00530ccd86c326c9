import { createHash } from "node:crypto";
import type { StreamRevision } from "../../domain/errors.js";
import type { EventData } from "../../domain/events/catalogue.js";
import type { EventStore, StreamAppend } from "../../domain/ports/event-store.js";
import { streamId } from "../../domain/stream-id.js";

/**
 * Idempotency keys as streams (DESIGN §3, category idempotency).
 *
 * One stream per (scope, key): `idempotency-{scope}-{digest}`. The key itself may hold any
 * characters (a webhook delivery id, a client's request id), so the stream name carries its
 * SHA-256 (base64url, 43 characters), and the event's data carries the key as given.
 *
 * Generations: each IdempotencyKeyRecorded in the stream is one generation of the key; the last
 * one is current. The first is appended with `expectedVersion: "no_stream"`; once the current one
 * has expired (`expiresAt`, recorded when it was written: the TTL in force then applies), the next
 * firing with the key appends a new generation with `expectedVersion` = the version it read. Either
 * way the append succeeds for exactly one of any number of racing writers: the log, not a lock,
 * decides who fired. Nothing is deleted; an expired generation stays as history.
 */

type Recorded = EventData<"IdempotencyKeyRecorded">;

export interface KeyGeneration {
  /** The generation's version in the key's stream. */
  readonly version: bigint;
  readonly key: string;
  readonly workerId: string;
  /** The firing that recorded it (the event's correlation id). */
  readonly firingId: string | null;
  readonly expiresAt: string;
}

export interface KeyState {
  readonly streamId: string;
  /** The stream's version, to append the next generation against. */
  readonly version: StreamRevision;
  readonly current: KeyGeneration | null;
}

const digest = (text: string) => createHash("sha256").update(text).digest("base64url");

/**
 * The key's stream. When a long scope would push the name past the 200-character id limit, the
 * scope is hashed with the key; that form is 43 characters and the other at least 45, so the two
 * can never name the same stream.
 */
export function idempotencyStreamId(scope: string, key: string): string {
  const readable = `${scope}-${digest(key)}`;
  return streamId("idempotency", readable.length <= 200 ? readable : digest(`${scope}\n${key}`));
}

/** Reads only the key stream's last event: the current generation. */
export async function readKey(store: EventStore, scope: string, key: string): Promise<KeyState> {
  const id = idempotencyStreamId(scope, key);
  for await (const event of store.readStream(id, { direction: "backwards", limit: 1 })) {
    const data = event.data as Recorded;
    return {
      streamId: id,
      version: event.version,
      current: {
        version: event.version,
        key: data.key,
        workerId: data.result.id,
        firingId: event.metadata.correlationId ?? null,
        expiresAt: data.expiresAt,
      },
    };
  }
  return { streamId: id, version: "no_stream", current: null };
}

/** A generation answers retries until `expiresAt`, exclusive. */
export function isLive(generation: KeyGeneration, now: Date): boolean {
  return now.getTime() < Date.parse(generation.expiresAt);
}

/**
 * The append that records the next generation of the key, for the firing's worker. The firing id
 * travels as the correlation id, so a replay can answer with it without reading the colony.
 */
export function nextGeneration(
  state: KeyState,
  record: { scope: string; key: string; workerId: string; firingId: string; expiresAt: Date },
): StreamAppend {
  const data: Recorded = {
    scope: record.scope,
    key: record.key,
    result: { kind: "worker", id: record.workerId },
    expiresAt: record.expiresAt.toISOString(),
  };
  return {
    streamId: state.streamId,
    expectedVersion: state.version,
    events: [{ type: "IdempotencyKeyRecorded", data, metadata: { correlationId: record.firingId } }],
  };
}

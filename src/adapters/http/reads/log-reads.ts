import { z } from "zod";
import type { EventStore } from "../../../domain/ports/event-store.js";
import { StreamNotFoundError } from "./errors.js";
import { EventBody, eventBody } from "./event-body.js";
import { jsonNumber } from "./params.js";

export const EventsPage = z.strictObject({
  events: z.array(EventBody),
  /** The `from` of the next page, or null when this page reached the head of the log. */
  next_from: z.number().int().positive().nullable(),
  head_position: z.number().int().nonnegative(),
});
export type EventsPage = z.infer<typeof EventsPage>;

/**
 * Events from global position `from`, inclusive, in log order. The head is read after the page,
 * so `next_from` is null only when nothing past the page existed once it was read: a client that
 * follows `next_from` until null sees every event up to that head exactly once.
 */
export async function eventsPage(store: EventStore, from: number, limit: number): Promise<EventsPage> {
  const events: EventBody[] = [];
  for await (const event of store.readAll({ from: BigInt(from), limit })) events.push(eventBody(event));
  const head = jsonNumber(await store.headPosition());
  const last = events.at(-1)?.position;
  return { events, next_from: last !== undefined && last < head ? last + 1 : null, head_position: head };
}

export const StreamPage = z.strictObject({
  stream_id: z.string(),
  last_version: z.number().int().nonnegative(),
  events: z.array(EventBody),
  /** The `from` (a version) of the next page, or null when this page reached the stream's last version. */
  next_from: z.number().int().positive().nullable(),
});
export type StreamPage = z.infer<typeof StreamPage>;

/** One stream's events from version `from`, inclusive; an unknown stream is StreamNotFoundError. */
export async function streamPage(
  store: EventStore,
  streamId: string,
  from: number,
  limit: number,
): Promise<StreamPage> {
  // Asked first because a store may throw on a missing stream while iterating (EventStoreDB does).
  if ((await store.streamVersion(streamId)) === "no_stream") throw new StreamNotFoundError(streamId);
  const events: EventBody[] = [];
  for await (const event of store.readStream(streamId, { from: BigInt(from), limit })) events.push(eventBody(event));
  // Asked again after the page, for the same reason as the head in eventsPage (a stream, once
  // there, stays: the log never deletes).
  const revision = await store.streamVersion(streamId);
  if (revision === "no_stream") throw new StreamNotFoundError(streamId);
  const lastVersion = jsonNumber(revision);
  const last = events.at(-1)?.version;
  return {
    stream_id: streamId,
    last_version: lastVersion,
    events,
    next_from: last !== undefined && last < lastVersion ? last + 1 : null,
  };
}

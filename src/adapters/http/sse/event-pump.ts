import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { type Observable, Subscription } from "rxjs";
import type { RecordedEvent } from "../../../domain/envelope.js";
import type { EventFilter, EventStore } from "../../../domain/ports/event-store.js";
import type { LiveSignal } from "../../../runtime/live-bus.js";
import type { SseConnection } from "./sse-connection.js";
import { eventFrame, signalFrame } from "./sse-frames.js";

/** What one stream sends. */
export interface Selection {
  /** What the store may filter out before decoding; it must pass every event `accepts` needs to see. */
  readonly storeFilter: EventFilter | undefined;
  /** Called on every event in position order; may learn from events it refuses (a session's scope). */
  accepts(event: RecordedEvent): boolean;
  acceptsSignal(signal: LiveSignal): boolean;
}

export interface PumpSource {
  readonly events: EventStore;
  readonly signals: Observable<LiveSignal>;
}

/** Events read between two yields to the event loop, so a long catch-up never holds up other clients. */
const YIELD_EVERY = 500;

type LiveEnd = { readonly kind: "full"; readonly cursor: bigint } | { readonly kind: "over" };

/**
 * Streams the log to one client from `from` (inclusive), for as long as it stays connected.
 *
 * Two modes, one cursor. Behind the head, the client pulls: pages of the log are read only as
 * fast as its socket takes the frames (the store holds nothing for it). At the head, it is
 * pushed to: a subscription from the cursor delivers new events at once, and ephemeral signals
 * are sent beside them. The first write that fills the socket ends the push mode on the spot,
 * the cursor just past the last event written; once the socket drains, the client pulls again
 * from there. So a slow client never accumulates a queue, the seam between the modes is a
 * position (no gap, no repeat), and a client that does not drain at all is dropped by its
 * connection's drain timeout.
 */
export async function pumpEvents(
  connection: SseConnection,
  source: PumpSource,
  selection: Selection,
  from: bigint,
  batchBytes: number,
): Promise<void> {
  let cursor = from;
  while (connection.open) {
    cursor = await catchUp(connection, source.events, selection, cursor, batchBytes);
    if (!connection.open) return;
    if (!connection.isFull) {
      const end = await live(connection, source, selection, cursor);
      if (end.kind === "over") return;
      cursor = end.cursor;
    }
    if (!(await connection.drained())) return;
  }
}

async function catchUp(
  connection: SseConnection,
  events: EventStore,
  selection: Selection,
  from: bigint,
  batchBytes: number,
): Promise<bigint> {
  let cursor = from;
  let batch = "";
  let batchLastId: bigint | undefined;
  let scanned = 0;
  for await (const event of events.readAll({ from })) {
    cursor = event.position + 1n;
    if (selection.accepts(event)) {
      batch += eventFrame(event);
      batchLastId = event.position;
    }
    if (batch.length >= batchBytes) {
      const accepted = connection.write(batch, batchLastId);
      batch = "";
      if (!accepted) return cursor;
    }
    if (++scanned % YIELD_EVERY === 0) {
      await yieldToEventLoop();
      if (!connection.open) return cursor;
    }
  }
  if (batch !== "") connection.write(batch, batchLastId);
  return cursor;
}

/** Pushes events and signals until the socket fills, the client leaves or the log closes. */
function live(connection: SseConnection, source: PumpSource, selection: Selection, from: bigint): Promise<LiveEnd> {
  return new Promise<LiveEnd>((resolve, reject) => {
    let cursor = from;
    let settled = false;
    let unregister = () => {};
    const subscriptions = new Subscription();
    const settle = (end: LiveEnd | { kind: "failed"; error: unknown }) => {
      if (settled) return;
      settled = true;
      subscriptions.unsubscribe();
      unregister();
      if (end.kind === "failed") reject(end.error);
      else resolve(end);
    };
    unregister = connection.onClosed(() => settle({ kind: "over" }));
    if (settled) return;
    subscriptions.add(
      source.signals.subscribe((signal) => {
        if (settled || !selection.acceptsSignal(signal)) return;
        if (!connection.write(signalFrame(signal))) settle({ kind: "full", cursor });
      }),
    );
    subscriptions.add(
      source.events.subscribe({ from, filter: selection.storeFilter }).subscribe({
        next: (event) => {
          if (settled) return;
          cursor = event.position + 1n;
          if (selection.accepts(event) && !connection.write(eventFrame(event), event.position)) {
            settle({ kind: "full", cursor });
          }
        },
        error: (error: unknown) => settle({ kind: "failed", error }),
        complete: () => {
          // The store closed: end the response cleanly; the client resumes elsewhere or later.
          connection.end();
          settle({ kind: "over" });
        },
      }),
    );
  });
}

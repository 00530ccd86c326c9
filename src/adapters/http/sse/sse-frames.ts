import type { RecordedEvent } from "../../../domain/envelope.js";
import type { LiveSignal } from "../../../runtime/live-bus.js";
import { toEventLine } from "../../cli/event-json.js";

// JSON.stringify never emits a raw newline, so each payload is one `data:` line and no frame
// can be cut short by the text it carries.

/** A stored event: its global position is its id, so a client's Last-Event-ID is a resume point. */
export function eventFrame(event: RecordedEvent): string {
  return `id: ${event.position}\nevent: ${event.type}\ndata: ${toEventLine(event)}\n\n`;
}

/**
 * An ephemeral signal, named by its kind. No `id:` line: a client's last event id stays the last
 * stored event's, and a signal, never stored, is nothing to resume from.
 */
export function signalFrame(signal: LiveSignal): string {
  return `event: ${signal.kind}\ndata: ${JSON.stringify(signal)}\n\n`;
}

export const KEEPALIVE_FRAME = ": keepalive\n\n";

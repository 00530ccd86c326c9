import type { RecordedEvent } from "../../../domain/envelope.js";
import type { EventStore } from "../../../domain/ports/event-store.js";
import { type EventJson, toEventJson } from "../event-json.js";
import { summariseData } from "../event-table.js";
import { plural, table } from "./text.js";

/** A stream's events in version order, up to a global position (inclusive). */
export async function streamHistory(events: EventStore, streamId: string, upTo: bigint): Promise<RecordedEvent[]> {
  const found: RecordedEvent[] = [];
  for await (const event of events.readStream(streamId)) {
    // A stream's positions grow with its versions: the first one past the point ends it.
    if (event.position > upTo) break;
    found.push(event);
  }
  return found;
}

/**
 * One line per event: version, position (as #N, so it reads apart from versions and seqs), time,
 * type and the data summary `colony events` prints.
 */
export function formatHistory(streamId: string, events: readonly RecordedEvent[], width: number): string[] {
  const lines = [`history (${plural(events.length, "event")} on ${streamId}):`];
  if (events.length === 0) return lines;
  return lines.concat(
    table(
      ["V", "POSITION", "RECORDED AT", "TYPE", "DATA"],
      events.map((e) => [String(e.version), `#${e.position}`, e.metadata.recordedAt, e.type, summariseData(e.data)]),
      { right: [0], width },
    ),
  );
}

export function historyJson(events: readonly RecordedEvent[]): EventJson[] {
  return events.map(toEventJson);
}

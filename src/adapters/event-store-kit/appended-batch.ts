import type { RecordedEvent } from "../../domain/envelope.js";
import type { AppendResult } from "../../domain/ports/event-store.js";

export interface AppendedBatch {
  /** Every event of the append, in position order. */
  readonly events: readonly RecordedEvent[];
  readonly first: bigint;
  readonly last: bigint;
}

/** What an append (of one or more streams) wrote, as inline projections fold it. */
export function appendedBatch(results: readonly AppendResult[]): AppendedBatch | undefined {
  const events = results.flatMap((r) => r.events).sort((a, b) => (a.position < b.position ? -1 : 1));
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last) return undefined;
  return { events, first: first.position, last: last.position };
}

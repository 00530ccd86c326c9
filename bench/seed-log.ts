import type { EventStore, StreamAppend } from "../src/domain/ports/event-store.js";
import type { LoggedEvent } from "./colony-workload.js";

interface OpenAppend {
  readonly streamId: string;
  readonly expectedVersion: StreamAppend["expectedVersion"];
  readonly events: LoggedEvent["event"][];
}

/**
 * Writes events through the store's public `appendMany`, `batchEvents` at a time in one
 * transaction, keeping their order: consecutive events of one stream share an append, each
 * append expecting its stream's exact version. Returns how many events were written.
 */
export async function seedLog(store: EventStore, items: Iterable<LoggedEvent>, batchEvents = 10_000): Promise<number> {
  const versions = new Map<string, bigint>();
  let batch: OpenAppend[] = [];
  let inBatch = 0;
  let written = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await store.appendMany(batch);
    written += inBatch;
    batch = [];
    inBatch = 0;
  };
  for (const { streamId, event } of items) {
    let open = batch.at(-1);
    if (open?.streamId !== streamId) {
      open = { streamId, expectedVersion: versions.get(streamId) ?? "no_stream", events: [] };
      batch.push(open);
    }
    open.events.push(event);
    versions.set(streamId, (versions.get(streamId) ?? -1n) + 1n);
    if (++inBatch >= batchEvents) await flush();
  }
  await flush();
  return written;
}

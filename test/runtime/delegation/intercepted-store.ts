import { VersionConflictError } from "../../../src/domain/errors.js";
import type { EventStore, StreamAppend } from "../../../src/domain/ports/event-store.js";

export type AppendOutcome = "appended" | "conflict" | "failed";

/**
 * The store, with a hook run before every appendMany (the call the delegation service writes
 * the session through) and the outcome of each recorded.
 */
export function interceptAppends(
  store: EventStore,
  before: (appends: readonly StreamAppend[]) => void | Promise<void>,
): { store: EventStore; outcomes: AppendOutcome[] } {
  const outcomes: AppendOutcome[] = [];
  const wrapped: EventStore = {
    append: (streamId, events, options) => store.append(streamId, events, options),
    async appendMany(appends) {
      await before(appends);
      try {
        const results = await store.appendMany(appends);
        outcomes.push("appended");
        return results;
      } catch (error) {
        outcomes.push(error instanceof VersionConflictError ? "conflict" : "failed");
        throw error;
      }
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribe: (options) => store.subscribe(options),
    headPosition: () => store.headPosition(),
    streamVersion: (streamId) => store.streamVersion(streamId),
    close: () => store.close(),
  };
  return { store: wrapped, outcomes };
}

/**
 * A barrier for the first `count` appendMany calls that write `streamId`: none goes to the store
 * until all have arrived, so each was decided on the same read of the stream and only the
 * stream's expected version can tell them apart. Give the same barrier to several stores (several
 * connections to one file) to race them.
 */
export function appendBarrier(streamId: string, count: number): (appends: readonly StreamAppend[]) => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return async (appends) => {
    if (!appends.some((a) => a.streamId === streamId) || arrived >= count) return;
    arrived++;
    if (arrived === count) open();
    await opened;
  };
}

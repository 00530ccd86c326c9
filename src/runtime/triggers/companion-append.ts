import { ColonyError, VersionConflictError } from "../../domain/errors.js";
import type { EventStore, StreamAppend } from "../../domain/ports/event-store.js";

/** The companion's stream had moved: another writer got there first. */
export class CompanionConflictError extends ColonyError<"companion_conflict"> {
  constructor(readonly conflict: VersionConflictError) {
    super("companion_conflict", conflict.message, conflict.details);
  }
}

/**
 * The store, except that an append to `primaryStreamId` also appends `companion`, in the same
 * transaction (appendMany is all or nothing). This lets a command go through the ordinary command
 * handler (read, decide, append with the version read, retry on conflict) while another stream's
 * event rides along atomically: a firing and its idempotency key are stored together or not at all.
 *
 * A conflict on the primary stream stays a VersionConflictError, which the handler retries by
 * deciding again. A conflict on the companion becomes CompanionConflictError, which the handler
 * does not retry: deciding again cannot help when the companion's expected version is stale.
 */
export function withCompanionAppend(store: EventStore, primaryStreamId: string, companion: StreamAppend): EventStore {
  return {
    async append(streamId, events, options) {
      if (streamId !== primaryStreamId) return store.append(streamId, events, options);
      try {
        const [primary] = await store.appendMany([{ streamId, events, ...options }, companion]);
        // appendMany answers one result per append, in order.
        return primary as NonNullable<typeof primary>;
      } catch (error) {
        if (error instanceof VersionConflictError && error.streamId === companion.streamId) {
          throw new CompanionConflictError(error);
        }
        throw error;
      }
    },
    appendMany: (appends) => store.appendMany(appends),
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribe: (options) => store.subscribe(options),
    headPosition: () => store.headPosition(),
    streamVersion: (streamId) => store.streamVersion(streamId),
    close: () => store.close(),
  };
}

import { bufferTime, concatMap, defer, filter, from, type Observable, switchMap } from "rxjs";
import type { RecordedEvent } from "../domain/envelope.js";
import type { EventCatalogue } from "../domain/events/catalogue.js";
import { catalogue as defaultCatalogue } from "../domain/events/catalogue.js";
import type { EventStore } from "../domain/ports/event-store.js";
import { KnownTypes } from "./known-types.js";
import type { BatchRange, ProjectionStatus, ProjectionStore } from "./projection-store.js";

export interface Progress {
  /** Events read from the log so far in this run. */
  readonly events: number;
  /** The position every projection has now folded in. */
  readonly position: bigint;
  /** Where this run stops (catch-up) or the head when it started (follow). */
  readonly target: bigint;
}

export interface RunnerOptions {
  /** Events per transaction. */
  readonly batchSize?: number;
  /** Longest a live event waits for its batch to fill. */
  readonly batchMs?: number;
  readonly catalogue?: EventCatalogue;
  readonly warn?: (message: string) => void;
}

/**
 * Folds the events of (after, through] into the runner's store somewhere else than the runner's
 * own loop (another thread, say), batch by batch, each committed with its checkpoints as `apply`
 * commits it; `onBatch` hears of each, and may throw to stop the fold there.
 */
export type RangeFolder = (range: BatchRange, onBatch: (events: number, through: bigint) => void) => Promise<void>;

export interface CatchUpOptions {
  /** Last position to fold in (default, and at most: the head now). */
  readonly to?: bigint;
  readonly onProgress?: (progress: Progress) => void;
  /** Takes the fold over when it spans at least `minEvents` positions (where it pays to start it). */
  readonly folder?: { readonly fold: RangeFolder; readonly minEvents: number };
}

function lowest(statuses: readonly ProjectionStatus[]): bigint {
  return statuses.reduce((min, s) => (s.checkpoint < min ? s.checkpoint : min), statuses[0]?.checkpoint ?? 0n);
}

/**
 * Feeds projections from the log (DESIGN §5): `catchUp` pulls pages up to a position (rebuilds,
 * time travel, start-up); `follow` rides `subscribe` with RxJS, in batches, from the lowest
 * checkpoint. The store applies each batch with its checkpoints in one transaction.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly batchMs: number;
  private readonly knownTypes: KnownTypes;

  constructor(
    private readonly events: EventStore,
    private readonly target: ProjectionStore,
    options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.batchMs = options.batchMs ?? 20;
    this.knownTypes = new KnownTypes(
      options.catalogue ?? defaultCatalogue,
      options.warn ?? ((message) => console.warn(message)),
    );
  }

  /** Folds everything after the lowest checkpoint up to `to` (default, and at most: the head now). */
  async catchUp(options: CatchUpOptions = {}): Promise<bigint> {
    const start = lowest(await this.target.status());
    const head = await this.events.headPosition();
    // Never past the head: a checkpoint beyond it would skip the events written there later.
    const target = options.to !== undefined && options.to < head ? options.to : head;
    if (target <= start) return start;
    let events = 0;
    const { folder } = options;
    if (folder && Number(target - start) >= folder.minEvents) {
      await folder.fold({ after: start, through: target }, (count, through) => {
        events += count;
        options.onProgress?.({ events, position: through, target });
      });
      return target;
    }
    let batch: RecordedEvent[] = [];
    let position = start;
    const flush = async (through: bigint) => {
      await this.apply(batch, { after: position, through });
      events += batch.length;
      position = through;
      batch = [];
      options.onProgress?.({ events, position, target });
    };
    for await (const event of this.events.readAll({ from: start + 1n })) {
      if (event.position > target) break;
      batch.push(event);
      if (batch.length >= this.batchSize) await flush(event.position);
    }
    if (position < target) await flush(target);
    return target;
  }

  /**
   * Keeps the read models current; emits progress after each batch until unsubscribed. A
   * projection reset meanwhile (a rebuild in another process) is left alone by a batch it cannot
   * take without a gap; the runner then pulls it back up to the batch before going on.
   */
  follow(): Observable<Progress> {
    let events = 0;
    let after = 0n;
    return defer(() => from(this.target.status())).pipe(
      switchMap((statuses) => {
        after = lowest(statuses);
        return this.events.subscribe({ from: after + 1n });
      }),
      bufferTime(this.batchMs, null, this.batchSize),
      filter((batch) => batch.length > 0),
      concatMap(async (batch) => {
        const through = (batch.at(-1) as RecordedEvent).position;
        await this.apply(batch, { after, through });
        after = through;
        events += batch.length;
        if (lowest(await this.target.status()) < through) await this.catchUp({ to: through });
        return { events, position: through, target: through };
      }),
    );
  }

  private async apply(batch: readonly RecordedEvent[], range: BatchRange): Promise<void> {
    await this.target.apply(
      batch.filter((event) => this.knownTypes.known(event)),
      range,
    );
  }
}

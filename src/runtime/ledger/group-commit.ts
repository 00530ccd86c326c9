import type { Observable } from "rxjs";
import type { NewEvent, RecordedEvent } from "../../domain/envelope.js";
import { ColonyError, type StreamRevision } from "../../domain/errors.js";
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
} from "../../domain/ports/event-store.js";

interface Waiting {
  readonly append: StreamAppend;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit for single-stream appends: the appends that concurrent callers of this process
 * make in one turn of the event loop go to the store as one `appendMany`, one transaction. On
 * SQLite a transaction's fixed cost (the lock, the commit, the inline projections' checkpoint)
 * is most of a one-event append, and a colony's claimers append one event at a time.
 *
 * Each caller still gets its own outcome. An `appendMany` is all or nothing, so when the group
 * is refused (one caller lost a race: a version conflict; or one append is invalid) every append
 * of the group is made again on its own, and each caller gets exactly what its append alone gets.
 * An append commits only when its caller is told so, as before; it just waits up to one turn
 * of the event loop for company.
 */
export class GroupCommitStore implements EventStore {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly store: EventStore,
    /** Most appends per transaction. */
    private readonly maxGroup = 64,
  ) {}

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.waiting.push({ append: { streamId, events, expectedVersion: options?.expectedVersion }, resolve, reject });
      if (this.waiting.length >= this.maxGroup) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not a microtask: the other callers get to run their reads and decisions
        // (microtasks all) up to their own append first.
        setImmediate(() => this.flush());
      }
    });
  }

  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    return this.store.appendMany(appends);
  }

  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    return this.store.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.store.readAll(options);
  }

  subscribe(options?: SubscribeOptions): Observable<RecordedEvent> {
    return this.store.subscribe(options);
  }

  headPosition(): Promise<bigint> {
    return this.store.headPosition();
  }

  streamVersion(streamId: string): Promise<StreamRevision> {
    return this.store.streamVersion(streamId);
  }

  /** The underlying store's: closing it is its owner's business. */
  close(): Promise<void> {
    return this.store.close();
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.waiting;
    this.waiting = [];
    if (group.length === 0) return;
    void this.commit(group);
  }

  private async commit(group: readonly Waiting[]): Promise<void> {
    if (group.length > 1) {
      let results: AppendResult[] | undefined;
      try {
        results = await this.store.appendMany(group.map((w) => w.append));
      } catch (error) {
        // A refusal (a lost race, an invalid event) is one append's: below, each finds out
        // whether it was theirs. Anything else (the database busy past its timeout, a full
        // disk) is everyone's, and trying each alone would only meet it once per caller.
        if (!(error instanceof ColonyError)) {
          for (const w of group) w.reject(error);
          return;
        }
      }
      if (results) {
        for (const [i, w] of group.entries()) w.resolve(results[i] as AppendResult);
        return;
      }
    }
    for (const w of group) {
      try {
        const [result] = await this.store.appendMany([w.append]);
        w.resolve(result as AppendResult);
      } catch (error) {
        w.reject(error);
      }
    }
  }
}

import type { Observable } from "rxjs";
import type { NewEvent, RecordedEvent } from "../envelope.js";
import type { ExpectedVersion, StreamRevision } from "../errors.js";

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
}

export interface StreamAppend extends AppendOptions {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append: pass it as the next expectedVersion. */
  readonly nextExpectedVersion: bigint;
  /** The events as stored (for a retried append: as stored the first time). */
  readonly events: readonly RecordedEvent[];
}

export interface ReadStreamOptions {
  /** First version to read, inclusive. Forwards defaults to 0, backwards to the last event. */
  readonly from?: bigint;
  /** Last version to read, inclusive, in the direction of reading. */
  readonly to?: bigint;
  readonly direction?: "forwards" | "backwards";
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** First global position to read, inclusive. Defaults to the start of the log. */
  readonly from?: bigint;
  readonly limit?: number;
}

export interface EventFilter {
  /** Only these stream categories (the text before the first `-`). */
  readonly categories?: readonly string[];
  /** Only these event types. */
  readonly types?: readonly string[];
  /** Only this stream. */
  readonly streamId?: string;
}

export interface SubscribeOptions {
  /** First global position to deliver, inclusive: resume from a checkpoint with `checkpoint + 1n`. */
  readonly from?: bigint;
  readonly filter?: EventFilter;
}

/**
 * The log (DESIGN §2). Every adapter passes test/conformance/event-store.ts.
 *
 * Reads are async iterables that page, so no read ever holds the whole log in memory.
 * `subscribe` catches up from a position, then goes live, with no gap and no duplicate at the
 * switch. It hands each page to the subscriber synchronously and reads the next only after, so
 * the store holds at most one page per subscriber however slow it is; what a subscriber defers
 * to later (async handlers) is its own to bound.
 */
export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** All or nothing across streams. */
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribe(options?: SubscribeOptions): Observable<RecordedEvent>;
  /** The position of the last event in the log, 0n when the log is empty. */
  headPosition(): Promise<bigint>;
  streamVersion(streamId: string): Promise<StreamRevision>;
  close(): Promise<void>;
}

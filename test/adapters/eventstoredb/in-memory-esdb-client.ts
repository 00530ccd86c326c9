import { EventEmitter } from "node:events";
import { Readable } from "node:stream";
import {
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  ANY,
  type AppendExpectedRevision,
  type AppendResult,
  type AppendToStreamOptions,
  BACKWARDS,
  type CurrentRevision,
  END,
  type EventData,
  type EventType,
  type Filter,
  MaxAppendSizeExceededError,
  NO_STREAM,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type ResolvedEvent,
  START,
  STREAM_EXISTS,
  type StreamingRead,
  StreamNotFoundError,
  type SubscribeToAllOptions,
  UnknownError,
  WrongExpectedVersionError,
} from "@eventstore/db-client";
import type { EventStoreDbClient } from "../../../src/adapters/eventstoredb/eventstoredb-client.js";

/**
 * An in-memory model of the part of `@eventstore/db-client`'s client the EventStoreDB store uses,
 * built on the client's own types and error classes, for running the adapter here where there
 * is no server. It models what the adapter depends on, as the server documents it:
 *
 * - $all is a byte-addressed log: each record's commit position is its offset, records are
 *   longer than one byte, and a read that starts inside a record fails (as the server's does);
 *   every record written over gRPC is its own commit (commit = prepare).
 * - Each append also writes system records (a `$>` link in `$ce-<category>`, as the server's
 *   by-category projection does), and the log opens with a system record.
 * - Reading a stream that was never written fails while iterating, with StreamNotFoundError.
 * - Expected revisions and idempotency follow the server's documented rules: a resend of the
 *   same event ids is acknowledged without writing when they are stored where the expectation
 *   puts them (or, for "any", anywhere in the stream); partly stored is a WrongExpectedVersion.
 * - Live $all subscriptions confirm, then deliver records appended later, filtered.
 *
 * It is a model, not the server: passing against it shows the adapter's logic holds under these
 * rules, not that a KurrentDB server behaves this way.
 */
export class InMemoryEsdbClient implements EventStoreDbClient {
  private readonly log: AllStreamResolvedEvent[] = [];
  private readonly streams = new Map<string, AllStreamResolvedEvent[]>();
  private readonly live = new Set<LiveSubscription>();
  private end = 0n;
  private readonly systemLengths = new Map<string, number>();
  private readonly faults: AppendFault[] = [];
  /** Calls of appendToStream, for tests that count requests. */
  appendCalls = 0;

  constructor(private readonly maxAppendSize = 4 * 1024 * 1024) {
    this.system("$stats-127.0.0.1:2113", "$statsCollected", "{}");
  }

  /** The next appendToStream fails with `error`: before writing, or after (the answer is lost). */
  failNextAppend(fault: AppendFault): void {
    this.faults.push(fault);
  }

  /** New live subscriptions fail with this instead of confirming (a server that stays down). */
  refuseSubscriptions: Error | undefined;

  /** Drops every live subscription with `error`, as a server restart would. */
  dropLiveSubscriptions(error: Error): void {
    for (const subscription of [...this.live]) subscription.fail(error);
  }

  /** How many events a stream holds. */
  streamLength(streamName: string): number {
    return this.streams.get(streamName)?.length ?? 0;
  }

  async appendToStream(
    streamName: string,
    events: EventData | EventData[],
    options: AppendToStreamOptions = {},
  ): Promise<AppendResult> {
    this.appendCalls++;
    const fault = this.faults.shift();
    if (fault?.before) await fault.before();
    if (fault && !fault.afterWrite) throw fault.error;
    const result = this.append(streamName, Array.isArray(events) ? events : [events], options.expectedRevision ?? ANY);
    if (fault) throw fault.error;
    return result;
  }

  readStream<KnownEventType extends EventType>(
    streamName: string,
    options: ReadStreamOptions = {},
  ): StreamingRead<ResolvedEvent<KnownEventType>> {
    const { fromRevision = START, maxCount = Number.MAX_SAFE_INTEGER, direction } = options;
    const streams = this.streams;
    async function* read(): AsyncGenerator<AllStreamResolvedEvent> {
      await Promise.resolve();
      const events = streams.get(streamName);
      if (!events) throw new StreamNotFoundError(undefined, streamName);
      const last = BigInt(events.length - 1);
      let count = 0;
      if (direction === BACKWARDS) {
        const from = fromRevision === END || fromRevision === START ? last : fromRevision > last ? last : fromRevision;
        for (let r = from; r >= 0n && count < Number(maxCount); r--, count++) yield events[Number(r)] as never;
      } else {
        const from = fromRevision === START ? 0n : fromRevision === END ? last + 1n : fromRevision;
        for (let r = from; r <= last && count < Number(maxCount); r++, count++) yield events[Number(r)] as never;
      }
    }
    return streaming(read()) as StreamingRead<ResolvedEvent<KnownEventType>>;
  }

  readAll(options: ReadAllOptions = {}): StreamingRead<AllStreamResolvedEvent> {
    const { fromPosition = options.direction === BACKWARDS ? END : START, maxCount = Number.MAX_SAFE_INTEGER } =
      options;
    const backwards = options.direction === BACKWARDS;
    const log = this.log;
    const start = this.indexAt(fromPosition);
    async function* read(): AsyncGenerator<AllStreamResolvedEvent> {
      await Promise.resolve();
      const index = start();
      let count = 0;
      if (backwards) {
        for (let i = index - 1; i >= 0 && count < Number(maxCount); i--, count++)
          yield log[i] as AllStreamResolvedEvent;
      } else {
        for (let i = index; i < log.length && count < Number(maxCount); i++, count++) {
          yield log[i] as AllStreamResolvedEvent;
        }
      }
    }
    return streaming(read());
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllStreamSubscription {
    if (options.fromPosition !== END) throw new Error("the model only subscribes from END");
    const subscription = new LiveSubscription(options.filter, () => this.live.delete(subscription));
    this.live.add(subscription);
    const refusal = this.refuseSubscriptions;
    setImmediate(() => (refusal ? subscription.fail(refusal) : subscription.confirm()));
    return subscription as unknown as AllStreamSubscription;
  }

  /**
   * Where a read of $all starts, checked when the read starts (as the server checks it): a
   * forwards read includes the record at the position, a backwards one ends before it.
   */
  private indexAt(position: Position | typeof START | typeof END): () => number {
    return () => {
      if (position === START) return 0;
      if (position === END) return this.log.length;
      if (position.commit === this.end && position.prepare === this.end) return this.log.length;
      const index = this.log.findIndex((r) => r.event?.position.commit === position.commit);
      const record = this.log[index]?.event;
      if (!record || record.position.prepare !== position.prepare) {
        throw new UnknownError(undefined, `invalid position ${position.commit}/${position.prepare}: not a record`);
      }
      return index;
    };
  }

  private append(streamName: string, events: EventData[], expected: AppendExpectedRevision): AppendResult {
    const stored = this.streams.get(streamName) ?? [];
    const current: CurrentRevision = stored.length === 0 ? NO_STREAM : BigInt(stored.length - 1);
    const refuse = () => new WrongExpectedVersionError(undefined, { streamName, expected, current });
    const acknowledge = (from: number): AppendResult => {
      const last = (stored[from + events.length - 1] as AllStreamResolvedEvent).event as RecordedEvent;
      return { success: true, nextExpectedRevision: last.revision, position: last.position };
    };
    const storedFrom = (from: number) =>
      events.every((e, i) => stored[from + i]?.event?.id === e.id)
        ? "all"
        : events.some((e) => ids(stored).has(e.id))
          ? "some"
          : "none";

    if (expected === ANY || expected === STREAM_EXISTS) {
      if (expected === STREAM_EXISTS && current === NO_STREAM) throw refuse();
      const first = stored.findIndex((r) => r.event?.id === events[0]?.id);
      if (first >= 0 && storedFrom(first) === "all") return acknowledge(first);
      if (storedFrom(stored.length) === "some") throw refuse();
    } else {
      const expectedNext = expected === NO_STREAM ? 0 : Number(expected) + 1;
      if (expectedNext !== stored.length) {
        if (expectedNext < stored.length && storedFrom(expectedNext) === "all") return acknowledge(expectedNext);
        throw refuse();
      }
    }
    const size = events.reduce(
      (sum, e) => sum + JSON.stringify(e.data).length + JSON.stringify(e.metadata ?? "").length,
      0,
    );
    if (size > this.maxAppendSize) throw MaxAppendSizeExceededError.fromMaxAppendSize(this.maxAppendSize);

    const written = events.map((e, i) => {
      const json = e.contentType === "application/json";
      // The client sends JSON as text and parses it back on reads: keep only what survives that.
      const data = json ? JSON.parse(JSON.stringify(e.data)) : e.data;
      const metadata = e.metadata === undefined ? undefined : JSON.parse(JSON.stringify(e.metadata));
      return this.record(streamName, BigInt(stored.length + i), e.type, data, json, metadata, e.id);
    });
    this.streams.set(streamName, [...stored, ...written]);
    const dash = streamName.indexOf("-");
    const category = dash < 0 ? streamName : streamName.slice(0, dash);
    for (const record of written) {
      this.system(`$ce-${category}`, "$>", `${(record.event as RecordedEvent).revision}@${streamName}`);
    }
    const last = (written.at(-1) as AllStreamResolvedEvent).event as RecordedEvent;
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  private system(streamName: string, type: string, text: string): void {
    const revision = this.systemLengths.get(streamName) ?? 0;
    this.systemLengths.set(streamName, revision + 1);
    this.record(streamName, BigInt(revision), type, new TextEncoder().encode(text), false, undefined);
  }

  private record(
    streamName: string,
    revision: bigint,
    type: string,
    data: unknown,
    isJson: boolean,
    metadata: unknown,
    id: string = crypto.randomUUID(),
  ): AllStreamResolvedEvent {
    const position: Position = { commit: this.end, prepare: this.end };
    const resolved = {
      event: { streamId: streamName, id, isJson, revision, type, created: new Date(), data, metadata, position },
      commitPosition: position.commit,
    } as AllStreamResolvedEvent;
    this.log.push(resolved);
    // A record is its header and payload: always longer than one byte.
    const bytes = data instanceof Uint8Array ? data.length : JSON.stringify(data).length;
    this.end += 64n + BigInt(bytes) + BigInt(JSON.stringify(metadata ?? null).length);
    for (const subscription of this.live) subscription.offer(resolved);
    return resolved;
  }
}

/** What a test makes the next append do. */
export interface AppendFault {
  readonly error: Error;
  /** Write the events, then fail: the answer is lost on its way back. */
  readonly afterWrite?: boolean;
  /** Runs before the append is handled (another writer getting in first). */
  readonly before?: () => Promise<void>;
}

function ids(events: readonly AllStreamResolvedEvent[]): Set<string | undefined> {
  return new Set(events.map((r) => r.event?.id));
}

function streaming<E>(source: AsyncGenerator<E>): StreamingRead<E> {
  const readable = Readable.from(source, { objectMode: true });
  return Object.assign(readable, { cancel: async () => void readable.destroy() }) as unknown as StreamingRead<E>;
}

/** A live $all subscription: confirms, then emits "data" for each matching record appended. */
class LiveSubscription extends EventEmitter {
  private closed = false;

  constructor(
    private readonly filter: Filter | undefined,
    private readonly remove: () => void,
  ) {
    super();
  }

  confirm(): void {
    if (!this.closed) this.emit("confirmation");
  }

  offer(resolved: AllStreamResolvedEvent): void {
    const event = resolved.event;
    if (this.closed || !event || !this.matches(event.streamId, event.type)) return;
    setImmediate(() => {
      if (!this.closed) this.emit("data", resolved);
    });
  }

  fail(error: Error): void {
    if (this.closed) return;
    this.close();
    this.emit("error", error);
  }

  async unsubscribe(): Promise<void> {
    this.close();
  }

  private close(): void {
    this.closed = true;
    this.remove();
  }

  private matches(streamName: string, type: string): boolean {
    const { filter } = this;
    if (!filter) return true;
    const subject = filter.filterOn === "streamName" ? streamName : type;
    return "regex" in filter
      ? new RegExp(filter.regex).test(subject)
      : filter.prefixes.some((p) => subject.startsWith(p));
  }
}

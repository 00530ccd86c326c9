import { END, EventStoreDBClient } from "@eventstore/db-client";
import { defer, Observable, ReplaySubject, retry, share, takeUntil } from "rxjs";
import type { NewEvent, RecordedEvent } from "../../domain/envelope.js";
import { ColonyError, InvalidArgumentError, type StreamRevision, VersionConflictError } from "../../domain/errors.js";
import { catalogue as defaultCatalogue, type EventCatalogue } from "../../domain/events/catalogue.js";
import { assertExpectedVersion, nextVersion } from "../../domain/expected-version.js";
import type { Clock } from "../../domain/ports/clock.js";
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
} from "../../domain/ports/event-store.js";
import type { IdGenerator } from "../../domain/ports/id-generator.js";
import { type PreparedAppend, prepareAppend } from "../../domain/prepare-append.js";
import { catchUpSubscription } from "../event-store-kit/catch-up-subscription.js";
import { compileFilter } from "../event-store-kit/event-filter.js";
import { readLimit, readPosition } from "../event-store-kit/read-options.js";
import { systemClock } from "../system/system-clock.js";
import { UuidV7Generator } from "../system/uuid-v7.js";
import { isResendable, isWrongExpectedVersion, versionConflictFrom } from "./client-errors.js";
import { PartialAppendError, UnconfirmedAppendError } from "./errors.js";
import { encodeEvent, recordedEventOf, type StoredEvent } from "./event-codec.js";
import type { EventStoreDbClient } from "./eventstoredb-client.js";
import { toExpectedRevision } from "./expected-revision.js";
import { LAST, LogReader } from "./log-reader.js";
import { matchRetry } from "./retry-match.js";
import { StreamNames } from "./stream-names.js";
import { liveFilter } from "./system-events.js";

export interface EventStoreDbEventStoreOptions {
  readonly catalogue?: EventCatalogue;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Keeps this log's streams apart from other logs on the same server (see StreamNames). */
  readonly namespace?: string;
  /** Events per read from the server, for reads and subscriptions. */
  readonly pageSize?: number;
  /** How often one stream's write is sent when the outcome of sending it is unknown. */
  readonly writeAttempts?: number;
  /** How often the live subscription is renewed in a row after the server drops it. */
  readonly resubscribeAttempts?: number;
  readonly resubscribeDelayMs?: number;
}

/**
 * The log on EventStoreDB / KurrentDB (DESIGN §2), through `@eventstore/db-client` 6.x.
 *
 * Each event keeps its id as the server's event id, its type, its data as JSON, and the rest of
 * its envelope as JSON metadata. Versions are stream revisions; positions are derived from
 * commit positions in $all (log-position.ts). Reads of $all and subscriptions deliver only this
 * log's events: never the server's system events, nor other namespaces' or applications'.
 *
 * What appends guarantee (docs/eventstoredb.md):
 * - One stream's events are written atomically, with the expected version checked by the server.
 * - Several streams (`appendMany`) are not atomic: the 6.x protocol appends to one stream per
 *   request. Every expected version is checked before anything is written, so a conflict that
 *   exists when the call starts writes nothing; a concurrent writer that gets in between the
 *   check and the writes can still leave the first streams written, reported as a
 *   PartialAppendError naming them.
 * - Retry-safe: event ids are chosen before anything is sent and are the server's event ids, so
 *   resending (this store does, after a write whose outcome it could not learn; callers may, with
 *   the ids they gave) finds the events already stored and returns them as stored the first time.
 *   Appends that give ids are checked against the target stream the way the SQLite store checks
 *   them; an id reused in a different stream is not detected (the server keeps no index by id).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly catalogue: EventCatalogue;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly names: StreamNames;
  private readonly reader: LogReader;
  private readonly pageSize: number;
  private readonly writeAttempts: number;
  private readonly closing = new ReplaySubject<void>(1);
  private readonly live: Observable<void>;
  private closed = false;

  /** A store on its own connection, closed with the store. */
  static connect(connectionString: string, options: EventStoreDbEventStoreOptions = {}): EventStoreDbEventStore {
    const client = EventStoreDBClient.connectionString(connectionString);
    return new EventStoreDbEventStore(client, options, () => client.dispose());
  }

  /** A store on a client the caller owns (and closes). */
  static over(client: EventStoreDbClient, options: EventStoreDbEventStoreOptions = {}): EventStoreDbEventStore {
    return new EventStoreDbEventStore(client, options, async () => {});
  }

  private constructor(
    private readonly client: EventStoreDbClient,
    options: EventStoreDbEventStoreOptions,
    private readonly release: () => Promise<void>,
  ) {
    this.catalogue = options.catalogue ?? defaultCatalogue;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? new UuidV7Generator();
    this.names = new StreamNames(options.namespace);
    this.pageSize = readLimit("pageSize", options.pageSize ?? 500);
    this.reader = new LogReader(client, this.names, this.pageSize);
    this.writeAttempts = readLimit("writeAttempts", options.writeAttempts ?? 3);
    // One live subscription per store, shared by its subscribers, only as a wake-up signal: what
    // they receive is always read from $all by position (catchUpSubscription), so a renewed
    // subscription cannot lose or repeat an event, and it signals once confirmed.
    this.live = defer(() => this.liveSignals()).pipe(
      retry({
        count: readLimit("resubscribeAttempts", options.resubscribeAttempts ?? 5),
        delay: readLimit("resubscribeDelayMs", options.resubscribeDelayMs ?? 500),
        resetOnSuccess: true,
      }),
      takeUntil(this.closing),
      share(),
    );
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, expectedVersion: options?.expectedVersion }]);
    return result as AppendResult;
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const prepared = prepareAppend({ catalogue: this.catalogue, clock: this.clock, ids: this.ids }, appends);
    for (const { streamId, events } of prepared) {
      if (events.length === 0) throw new InvalidArgumentError("events", `append to ${streamId} has no events`);
    }
    const results: AppendResult[] = [];
    const pending: number[] = [];
    for (const [i, append] of prepared.entries()) {
      const retried = append.events.some((e) => e.idGiven) ? await this.findRetry(append) : undefined;
      if (retried) results[i] = retried;
      else pending.push(i);
    }
    const writes = pending.map((i) => prepared[i] as PreparedAppend);
    // One stream's expectation is the server's to check, atomically with the write.
    if (writes.length > 1) await this.checkExpectedVersions(writes);
    const written: AppendResult[] = [];
    for (const [k, append] of writes.entries()) {
      try {
        const result = await this.write(append);
        results[pending[k] as number] = result;
        written.push(result);
      } catch (error) {
        if (written.length > 0) throw new PartialAppendError(written, append.streamId, error);
        throw error;
      }
    }
    return results;
  }

  // Generators, so bad options surface where reading starts, as every read failure does.
  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === "backwards";
    if (options.direction !== undefined && !backwards && options.direction !== "forwards") {
      throw new InvalidArgumentError("direction", 'expected "forwards" or "backwards"');
    }
    const from = readPosition("from", options.from ?? (backwards ? LAST : 0n));
    const to = readPosition("to", options.to ?? (backwards ? 0n : LAST));
    const limit = options.limit === undefined ? Number.POSITIVE_INFINITY : readLimit("limit", options.limit);
    for await (const stored of this.reader.stream(streamId, { from, to, backwards, limit })) {
      yield recordedEventOf(stored, this.catalogue);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const from = readPosition("from", options.from ?? 0n);
    let remaining = options.limit === undefined ? Number.POSITIVE_INFINITY : readLimit("limit", options.limit);
    for await (const stored of this.reader.all(from)) {
      yield recordedEventOf(stored, this.catalogue);
      if (--remaining <= 0) return;
    }
  }

  subscribe(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    // Deferred, so bad options reach the subscriber as an error like any other read failure.
    return defer(() =>
      catchUpSubscription<StoredEvent>({
        source: {
          readPage: (from, limit) => this.reader.page(from, limit),
          positionOf: (stored) => stored.position,
          streamIdOf: (stored) => stored.streamId,
          typeOf: (stored) => stored.type,
          decode: (stored) => recordedEventOf(stored, this.catalogue),
        },
        wake: this.live,
        from: readPosition("from", options.from ?? 0n),
        matches: compileFilter(options.filter),
        pageSize: this.pageSize,
      }),
    );
  }

  async headPosition(): Promise<bigint> {
    return this.reader.head();
  }

  async streamVersion(streamId: string): Promise<StreamRevision> {
    return this.reader.version(streamId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.next();
    this.closing.complete();
    await this.release();
  }

  /** Refuses the whole call if any stream is not where its append expects, before writing any. */
  private async checkExpectedVersions(writes: readonly PreparedAppend[]): Promise<void> {
    const streams = [...new Set(writes.map((w) => w.streamId))];
    const versions = await Promise.all(streams.map((s) => this.streamVersion(s)));
    const projected = new Map<string, StreamRevision>(streams.map((s, i) => [s, versions[i] as StreamRevision]));
    for (const { streamId, expectedVersion, events } of writes) {
      const actual = projected.get(streamId) as StreamRevision;
      assertExpectedVersion(streamId, expectedVersion, actual);
      projected.set(streamId, nextVersion(actual) + BigInt(events.length - 1));
    }
  }

  /** One stream's events in one request, sent again (same ids) while the outcome is unknown. */
  private async write(append: PreparedAppend): Promise<AppendResult> {
    const name = this.names.stored(append.streamId);
    const events = append.events.map(encodeEvent);
    const expectedRevision = toExpectedRevision(append.expectedVersion);
    for (let attempt = 1; ; attempt++) {
      try {
        const { nextExpectedRevision } = await this.client.appendToStream(name, events, { expectedRevision });
        return await this.readBack(append, nextExpectedRevision);
      } catch (error) {
        if (isWrongExpectedVersion(error)) {
          // After a resend, the stream may already hold this append from an earlier attempt.
          const retried = attempt > 1 ? await this.findRetry(append) : undefined;
          if (retried) return retried;
          throw (
            versionConflictFrom(error, append.streamId, append.expectedVersion) ??
            new VersionConflictError(append.streamId, append.expectedVersion, await this.streamVersion(append.streamId))
          );
        }
        if (!isResendable(error) || attempt >= this.writeAttempts) throw error;
        // The server de-duplicates a resend reliably for every expectation but "any" (there it
        // only remembers recent ids), so for "any" look first.
        if (append.expectedVersion === "any") {
          const retried = await this.findRetry(append);
          if (retried) return retried;
        }
      }
    }
  }

  /**
   * The events as stored, with their positions: read back at the revisions the server reported.
   * A server that de-duplicated the append may report others; then they are looked up by id.
   */
  private async readBack(append: PreparedAppend, nextExpectedRevision: bigint): Promise<AppendResult> {
    const count = append.events.length;
    const from = nextExpectedRevision - BigInt(count - 1);
    const stored: StoredEvent[] = [];
    if (from >= 0n) {
      for await (const event of this.reader.stream(append.streamId, {
        from,
        to: LAST,
        backwards: false,
        limit: count,
      })) {
        stored.push(event);
      }
    }
    const ours =
      stored.length === count && stored.every((s, i) => s.metadata.eventId === append.events[i]?.metadata.eventId);
    if (ours) {
      return {
        streamId: append.streamId,
        nextExpectedVersion: nextExpectedRevision,
        events: stored.map((s) => recordedEventOf(s, this.catalogue)),
      };
    }
    const retried = await this.findRetry(append);
    if (retried) return retried;
    throw new UnconfirmedAppendError(append.streamId, nextExpectedRevision);
  }

  /**
   * The retry check of the port: the target stream's events carrying one of the append's ids,
   * judged by matchRetry. Reads the stream (until every id is found), so it runs only for
   * appends whose writer gave ids, and after a resend.
   */
  private async findRetry(append: PreparedAppend): Promise<AppendResult | undefined> {
    const ids = new Set(append.events.map((e) => e.metadata.eventId));
    const found = new Map<string, StoredEvent>();
    const whole = { from: 0n, to: LAST, backwards: false, limit: Number.POSITIVE_INFINITY };
    for await (const stored of this.reader.stream(append.streamId, whole)) {
      if (!ids.has(stored.metadata.eventId)) continue;
      found.set(stored.metadata.eventId, stored);
      if (found.size === ids.size) break;
    }
    return matchRetry(append, found, this.catalogue);
  }

  /** Emits once the server confirms the live subscription, then once per event it sends. */
  private liveSignals(): Observable<void> {
    return new Observable<void>((subscriber) => {
      const subscription = this.client.subscribeToAll({ fromPosition: END, filter: liveFilter(this.names.prefix) });
      subscription.on("confirmation", () => subscriber.next());
      subscription.on("data", () => subscriber.next());
      subscription.on("error", (error) => subscriber.error(error));
      // A live subscription ends only when the server drops it: renew it like any other drop.
      subscription.on("end", () =>
        subscriber.error(new ColonyError("live_subscription_ended", "the server ended the live $all subscription")),
      );
      return () => void subscription.unsubscribe();
    });
  }
}

import type pg from "pg";
import { defer, interval, merge, type Observable, retry } from "rxjs";
import type { NewEvent, RecordedEvent } from "../../domain/envelope.js";
import type { StreamRevision } from "../../domain/errors.js";
import { catalogue as defaultCatalogue, type EventCatalogue } from "../../domain/events/catalogue.js";
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
import { appendedBatch } from "../event-store-kit/appended-batch.js";
import { catchUpSubscription } from "../event-store-kit/catch-up-subscription.js";
import { compileFilter } from "../event-store-kit/event-filter.js";
import { PageCursor } from "../event-store-kit/page-cursor.js";
import { MAX_POSITION, readLimit, readPosition, readStreamRange } from "../event-store-kit/read-options.js";
import { Wakeups } from "../event-store-kit/wakeups.js";
import { systemClock } from "../system/system-clock.js";
import { UuidV7Generator } from "../system/uuid-v7.js";
import { appendNotifications } from "./append-notifications.js";
import { readSafeBound } from "./commit-order.js";
import type { PostgresInlineProjections } from "./inline-projections.js";
import { type LogPoolOptions, onClient, openLogPool } from "./log-pool.js";
import { decodeRow, positionOf, queryRows, type Row, rowStatements, versionOf } from "./log-rows.js";
import { migrateLog } from "./log-schema.js";
import { assertWritable, beginAppend, commitAppend, lostRace, writeAppends } from "./log-writes.js";

export interface PostgresEventStoreOptions extends LogPoolOptions {
  readonly catalogue?: EventCatalogue;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Rows per read page, for reads and subscriptions. */
  readonly pageSize?: number;
  /**
   * How often subscriptions read again without being told to. A fallback only: every append
   * NOTIFYs, and this store's own appends wake its subscriptions at once. Default 1000 ms.
   */
  readonly pollIntervalMs?: number;
}

/** Attempts of one append that keeps losing races to other writers before giving up. */
const MAX_ATTEMPTS = 100;

/**
 * The log in PostgreSQL (DESIGN §2), for several processes on several machines sharing one log.
 * Appends are transactions of their own; global reads (readAll, subscribe, headPosition) take
 * only rows no transaction still writing can go under (commit-order.ts), so a subscriber never
 * skips an event that commits late. Reading one stream needs no such bound: an append numbers
 * its events after the stream's last committed version, and one that takes a version another
 * transaction holds uncommitted waits on the unique key and then loses, so version n never
 * commits before n - 1 and what a reader sees of a stream is always a prefix of it.
 */
export class PostgresEventStore implements EventStore {
  private readonly catalogue: EventCatalogue;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly pageSize: number;
  private readonly wakeups: Wakeups;
  private inline: PostgresInlineProjections | undefined;
  private closed = false;

  static async open(url: string, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const pool = openLogPool(url, options);
    try {
      await migrateLog(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresEventStore(pool, options);
  }

  private constructor(
    private readonly connections: pg.Pool,
    options: PostgresEventStoreOptions,
  ) {
    this.catalogue = options.catalogue ?? defaultCatalogue;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? new UuidV7Generator();
    this.pageSize = readLimit("pageSize", options.pageSize ?? 500);
    const pollMs = readLimit("pollIntervalMs", options.pollIntervalMs ?? 1000);
    this.wakeups = new Wakeups(
      merge(appendNotifications(connections).pipe(retry({ delay: pollMs })), interval(pollMs)),
    );
  }

  /** The pool, for read models kept in the same database (and inline projections). */
  get pool(): pg.Pool {
    return this.connections;
  }

  /**
   * From now on, every append also folds these projections in its own transaction, after the
   * events of other writers they have not seen; a refused or failed append leaves neither.
   */
  attachInline(projections: PostgresInlineProjections): void {
    this.inline = projections;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, expectedVersion: options?.expectedVersion }]);
    return result as AppendResult;
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const prepared = prepareAppend({ catalogue: this.catalogue, clock: this.clock, ids: this.ids }, appends);
    assertWritable(prepared);
    for (let attempt = 1; ; attempt++) {
      try {
        const results = await onClient(this.connections, (client) => this.write(client, prepared));
        this.wakeups.announce();
        return results;
      } catch (error) {
        if (!lostRace(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  // Generators, so bad options surface where reading starts, as every read failure does.
  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const { backwards, from, to } = readStreamRange(options);
    const statement = backwards ? rowStatements.backwards : rowStatements.forwards;
    yield* this.paged(
      new PageCursor<Row>(from, options.limit, this.pageSize, (row) =>
        backwards ? versionOf(row) - 1n : versionOf(row) + 1n,
      ),
      (cursor, count) => queryRows(this.connections, statement, [streamId, cursor, to, count]),
    );
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    yield* this.paged(
      new PageCursor<Row>(
        readPosition("from", options.from ?? 0n),
        options.limit,
        this.pageSize,
        (row) => positionOf(row) + 1n,
      ),
      (from, count) => this.readPage(from, count),
    );
  }

  subscribe(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    // Deferred, so bad options reach the subscriber as an error like any other read failure.
    return defer(() =>
      catchUpSubscription<Row>({
        source: {
          readPage: (from, limit) => this.readPage(from, limit),
          positionOf,
          streamIdOf: (row) => row[1],
          typeOf: (row) => row[3],
          decode: (row) => decodeRow(this.catalogue, row),
        },
        wake: this.wakeups.changes,
        from: readPosition("from", options.from ?? 0n),
        matches: compileFilter(options.filter),
        pageSize: this.pageSize,
      }),
    );
  }

  async headPosition(): Promise<bigint> {
    const bound = await readSafeBound(this.connections);
    const { rows } = await this.connections.query<{ head: string | null }>(
      "SELECT max(position)::text AS head FROM events WHERE position < $1",
      [bound],
    );
    const head = rows[0]?.head;
    return head === null || head === undefined ? 0n : BigInt(head);
  }

  async streamVersion(streamId: string): Promise<StreamRevision> {
    const { rows } = await this.connections.query<{ v: string | null }>(
      "SELECT max(version)::text AS v FROM events WHERE stream_id = $1",
      [streamId],
    );
    const version = rows[0]?.v;
    return version === null || version === undefined ? "no_stream" : BigInt(version);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeups.close();
    await this.connections.end();
  }

  /** One attempt: the whole append, and the inline fold when there is one, in one transaction. */
  private async write(client: pg.PoolClient, prepared: readonly PreparedAppend[]): Promise<AppendResult[]> {
    const inline = this.inline;
    const start = await beginAppend(client, inline ? "exclusive" : "shared");
    const { results, written } = await writeAppends(client, start.first, prepared, this.catalogue);
    if (inline) await this.foldInline(client, inline, start.head ?? MAX_POSITION, written);
    await commitAppend(client);
    return results;
  }

  /**
   * Folds what this transaction wrote, after whatever the projections have not seen yet (written
   * by a process without them), so inline read models never skip a position. Read without the
   * readers' bound: this transaction holds LOG_WRITERS exclusively, so every append below its
   * own position has ended and is visible here, and `head` (the last of them) is final: when
   * the checkpoints have reached it there is nothing to read, the usual case.
   */
  private async foldInline(
    client: pg.PoolClient,
    inline: PostgresInlineProjections,
    head: bigint,
    written: readonly AppendResult[],
  ): Promise<void> {
    const appended = appendedBatch(written);
    if (!appended) return;
    const fold = await inline.lockCheckpoints(client);
    const missed: RecordedEvent[] = [];
    if (fold.after < head) {
      const cursor = new PageCursor<Row>(fold.after + 1n, undefined, this.pageSize, (row) => positionOf(row) + 1n);
      const rows = this.paged(cursor, (from, count) =>
        queryRows(client, rowStatements.range, [from, appended.first, count]),
      );
      for await (const event of rows) missed.push(event);
    }
    await fold.apply([...missed, ...appended.events], appended.last);
  }

  /** Rows from `from` on that no transaction still writing can go under (commit-order.ts). */
  private async readPage(from: bigint, limit: number): Promise<Row[]> {
    const bound = await readSafeBound(this.connections);
    return queryRows(this.connections, rowStatements.range, [from, bound, limit]);
  }

  private async *paged(
    cursor: PageCursor<Row>,
    read: (from: bigint, count: number) => Promise<Row[]>,
  ): AsyncGenerator<RecordedEvent> {
    for (let page = cursor.next(); page; page = cursor.next()) {
      const rows = await read(page.from, page.count);
      for (const row of rows) yield decodeRow(this.catalogue, row);
      cursor.took(rows);
    }
  }
}

import type Database from "better-sqlite3";
import { defer, filter, interval, map, type Observable } from "rxjs";
import type { NewEvent, RecordedEvent } from "../../domain/envelope.js";
import { EventIdConflictError, InvalidArgumentError, type StreamRevision } from "../../domain/errors.js";
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
import type { BatchRange } from "../../projections/projection-store.js";
import { appendedBatch } from "../event-store-kit/appended-batch.js";
import { catchUpSubscription } from "../event-store-kit/catch-up-subscription.js";
import { compileFilter } from "../event-store-kit/event-filter.js";
import { PageCursor } from "../event-store-kit/page-cursor.js";
import { readLimit, readPosition, readStreamRange } from "../event-store-kit/read-options.js";
import { retriedAppend } from "../event-store-kit/retried-append.js";
import { optionalMetadataJson, storedEvent } from "../event-store-kit/stored-event.js";
import { Wakeups } from "../event-store-kit/wakeups.js";
import { systemClock } from "../system/system-clock.js";
import { UuidV7Generator } from "../system/uuid-v7.js";
import { assertLogCurrent, migrateLog } from "./log-schema.js";
import { openDatabase, type SqliteConnectionOptions } from "./open-database.js";
import { EVENT_ID_HEX, eventIdBytes, eventIdText, recordedAtText, storedRecordedAt } from "./stored-envelope.js";

export interface SqliteEventStoreOptions extends SqliteConnectionOptions {
  readonly catalogue?: EventCatalogue;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Rows per read page, for reads and subscriptions. */
  readonly pageSize?: number;
  /** How often subscriptions look for commits made by other processes. */
  readonly pollIntervalMs?: number;
}

/**
 * Projections folded inside the append transaction (DESIGN §5, inline mode), on this store's
 * own connection, so what the command side reads back right after an append already holds it.
 */
export interface InlineProjections {
  /** The lowest checkpoint among them, read inside the current transaction. */
  lowestCheckpoint(): bigint;
  /** Folds events (position order) covering `range`, in the open transaction. */
  applyWithin(events: readonly RecordedEvent[], range: BatchRange): void;
}

/**
 * A stored row, as `raw()` statements return it:
 * [position, stream_id, version, type, data, event id (hex), recorded_at, schema_version, metadata].
 */
type Row = [bigint, string, bigint, string, string, string, bigint | string, bigint, string | null];
const COLUMNS = `position, stream_id, version, type, data, ${EVENT_ID_HEX}, recorded_at, schema_version, metadata`;

export class SqliteEventStore implements EventStore {
  private readonly catalogue: EventCatalogue;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly pageSize: number;
  private readonly wakeups: Wakeups;
  private readonly statements;
  private readonly writeAppends: Database.Transaction<(appends: readonly PreparedAppend[]) => AppendResult[]>;
  private inline: InlineProjections | undefined;

  static open(file: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    const db = openDatabase(file, options);
    if (options.readonly) assertLogCurrent(db);
    else migrateLog(db);
    return new SqliteEventStore(db, options);
  }

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    this.catalogue = options.catalogue ?? defaultCatalogue;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? new UuidV7Generator();
    this.pageSize = readLimit("pageSize", options.pageSize ?? 500);
    const reading = (sql: string) => db.prepare(sql).raw(true).safeIntegers(true);
    this.statements = {
      streamVersion: db.prepare("SELECT max(version) FROM events WHERE stream_id = ?").pluck().safeIntegers(true),
      head: db.prepare("SELECT max(position) FROM events").pluck().safeIntegers(true),
      byEventId: db.prepare("SELECT stream_id AS streamId, version FROM events WHERE event_id = ?").safeIntegers(true),
      insert: db
        .prepare(
          "INSERT INTO events (stream_id, version, type, data, event_id, recorded_at, schema_version, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .safeIntegers(true),
      all: reading(`SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?`),
      forwards: reading(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND version >= ? AND version <= ? ORDER BY version LIMIT ?`,
      ),
      backwards: reading(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND version <= ? AND version >= ? ORDER BY version DESC LIMIT ?`,
      ),
      dataVersion: db.prepare("PRAGMA data_version").pluck(),
    };
    this.writeAppends = db.transaction((appends: readonly PreparedAppend[]) => {
      const results = appends.map((a) => this.write(a));
      if (this.inline) this.foldInline(this.inline, results);
      return results;
    });

    // Our own commits announce themselves; other processes' commits show up as a changed
    // data_version, polled only while someone is subscribed.
    const pollMs = readLimit("pollIntervalMs", options.pollIntervalMs ?? 100);
    let lastDataVersion = this.statements.dataVersion.get();
    const foreignCommits = interval(pollMs).pipe(
      map(() => this.statements.dataVersion.get()),
      filter((v) => v !== lastDataVersion),
      map((v) => {
        lastDataVersion = v;
      }),
    );
    this.wakeups = new Wakeups(foreignCommits);
  }

  /** The connection, for read models kept in the same file (and inline projections). */
  get database(): Database.Database {
    return this.db;
  }

  /** From now on, every append also folds these projections in its own transaction. */
  attachInline(projections: InlineProjections): void {
    this.inline = projections;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, expectedVersion: options?.expectedVersion }]);
    return result as AppendResult;
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const prepared = prepareAppend({ catalogue: this.catalogue, clock: this.clock, ids: this.ids }, appends);
    const results = this.writeAppends.immediate(prepared);
    this.wakeups.announce();
    return results;
  }

  // Generators, so bad options surface where reading starts, as every read failure does.
  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const { backwards, from, to } = readStreamRange(options);
    const statement = backwards ? this.statements.backwards : this.statements.forwards;
    yield* this.paged(
      new PageCursor<Row>(from, options.limit, this.pageSize, ([, , version]) =>
        backwards ? version - 1n : version + 1n,
      ),
      (cursor, count) => statement.all(streamId, cursor, to, count) as Row[],
    );
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    yield* this.readAllSync(options);
  }

  subscribe(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    // Deferred, so bad options reach the subscriber as an error like any other read failure.
    return defer(() =>
      catchUpSubscription<Row>({
        source: {
          readPage: (from, limit) => this.readPage(from, limit),
          positionOf: (row) => row[0],
          streamIdOf: (row) => row[1],
          typeOf: (row) => row[3],
          decode: (row) => this.decode(row),
        },
        wake: this.wakeups.changes,
        from: readPosition("from", options.from ?? 0n),
        matches: compileFilter(options.filter),
        pageSize: this.pageSize,
      }),
    );
  }

  async headPosition(): Promise<bigint> {
    return (this.statements.head.get() as bigint | null) ?? 0n;
  }

  async streamVersion(streamId: string): Promise<StreamRevision> {
    return this.currentVersion(streamId);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.wakeups.close();
    this.db.close();
  }

  /**
   * `readAll` without a promise per event, for code of this adapter that has a thread of its own
   * to block (the fold worker): better-sqlite3 reads synchronously anyway.
   */
  readAllSync(options: ReadAllOptions = {}): Iterable<RecordedEvent> {
    return this.paged(
      new PageCursor<Row>(
        readPosition("from", options.from ?? 0n),
        options.limit,
        this.pageSize,
        ([position]) => position + 1n,
      ),
      (from, count) => this.readPage(from, count),
    );
  }

  private *paged(cursor: PageCursor<Row>, read: (from: bigint, count: number) => Row[]): Generator<RecordedEvent> {
    for (let page = cursor.next(); page; page = cursor.next()) {
      const rows = read(page.from, page.count);
      for (const row of rows) yield this.decode(row);
      cursor.took(rows);
    }
  }

  /**
   * Folds the appended events, after any the projections have not seen yet (written by a
   * process without them), so inline read models never skip a position.
   */
  private foldInline(inline: InlineProjections, results: readonly AppendResult[]): void {
    const appended = appendedBatch(results);
    if (!appended) return;
    const after = inline.lowestCheckpoint();
    const missed: RecordedEvent[] = [];
    if (after + 1n < appended.first) {
      for (const event of this.readAllSync({ from: after + 1n })) {
        if (event.position >= appended.first) break;
        missed.push(event);
      }
    }
    inline.applyWithin([...missed, ...appended.events], { after, through: appended.last });
  }

  private currentVersion(streamId: string): StreamRevision {
    return (this.statements.streamVersion.get(streamId) as bigint | null) ?? "no_stream";
  }

  private readPage(from: bigint, limit: number): Row[] {
    return this.statements.all.all(from, limit) as Row[];
  }

  /** Runs inside the immediate transaction: check, then insert one stream's events. */
  private write(append: PreparedAppend): AppendResult {
    const { streamId, events } = append;
    if (events.length === 0) throw new InvalidArgumentError("events", `append to ${streamId} has no events`);
    const retried = this.findRetry(append);
    if (retried) return retried;

    const actual = this.currentVersion(streamId);
    assertExpectedVersion(streamId, append.expectedVersion, actual);
    let version = nextVersion(actual);
    const recorded = events.map((event): RecordedEvent => {
      const { metadata } = event;
      let position: bigint;
      try {
        position = BigInt(
          this.statements.insert.run(
            streamId,
            version,
            event.type,
            JSON.stringify(event.data),
            eventIdBytes(metadata.eventId),
            storedRecordedAt(metadata.recordedAt),
            metadata.schemaVersion,
            optionalMetadataJson(metadata),
          ).lastInsertRowid,
        );
      } catch (error) {
        if (isUniqueViolation(error, "events.event_id")) throw new EventIdConflictError(metadata.eventId, streamId);
        throw error;
      }
      return { position, streamId, version: version++, type: event.type, data: event.data, metadata };
    });
    return { streamId, nextExpectedVersion: version - 1n, events: recorded };
  }

  /** The first append's result when this one is a retry of it (see retriedAppend). */
  private findRetry(append: PreparedAppend): AppendResult | undefined {
    const [first] = append.events;
    const stored =
      first &&
      (this.statements.byEventId.get(eventIdBytes(first.metadata.eventId)) as
        | { streamId: string; version: bigint }
        | undefined);
    if (!first || !stored) return undefined;
    const rows = this.statements.forwards.all(
      stored.streamId,
      stored.version,
      stored.version + BigInt(append.events.length - 1),
      append.events.length,
    ) as Row[];
    return retriedAppend(
      append,
      rows.map((row) => ({ event: this.decode(row), dataJson: row[4] })),
    );
  }

  private decode(row: Row): RecordedEvent {
    const [position, streamId, version, type, data, eventId, recordedAt, storedVersion, optional] = row;
    return storedEvent(
      this.catalogue,
      position,
      streamId,
      version,
      type,
      data,
      eventIdText(eventId),
      recordedAtText(recordedAt),
      Number(storedVersion),
      optional,
    );
  }
}

function isUniqueViolation(error: unknown, column: string): boolean {
  return (
    error instanceof Error &&
    (error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE" &&
    error.message.includes(column)
  );
}

import { BACKWARDS, END, FORWARDS, type Position, type ReadPosition, type ReadRevision } from "@eventstore/db-client";
import type { StreamRevision } from "../../domain/errors.js";
import { isStreamNotFound } from "./client-errors.js";
import { type StoredEvent, storedEventOf } from "./event-codec.js";
import type { EventStoreDbClient } from "./eventstoredb-client.js";
import { seekPosition } from "./log-position.js";
import type { StreamNames } from "./stream-names.js";

/** The largest position or version a read accepts (read-options.ts): "read to the end". */
export const LAST = 2n ** 63n - 1n;

export interface RevisionRange {
  /** First revision, inclusive; `LAST` backwards means the stream's last event. */
  readonly from: bigint;
  /** Last revision, inclusive, in the direction of reading. */
  readonly to: bigint;
  readonly backwards: boolean;
  readonly limit: number;
}

const isAfter = (a: Position, b: Position) => a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);

/**
 * Reads of one log on the server, page by page: each page is one request of at most `pageSize`
 * records, and the next is sent only once the last is consumed, so no read holds more than a
 * page. Everything read passes through `storedEventOf`, which keeps only this log's events.
 */
export class LogReader {
  constructor(
    private readonly client: EventStoreDbClient,
    private readonly names: StreamNames,
    private readonly pageSize: number,
  ) {}

  async *stream(streamId: string, range: RevisionRange): AsyncGenerator<StoredEvent> {
    if (!this.names.isColonyStream(streamId)) return;
    const { to, backwards } = range;
    const name = this.names.stored(streamId);
    const direction = backwards ? BACKWARDS : FORWARDS;
    let fromRevision: ReadRevision = backwards && range.from === LAST ? END : range.from;
    let remaining = range.limit;
    while (remaining > 0) {
      const maxCount = Math.min(this.pageSize, remaining);
      let read = 0;
      let last: bigint | undefined;
      try {
        for await (const resolved of this.client.readStream(name, { fromRevision, maxCount, direction })) {
          read++;
          const stored = storedEventOf(resolved, this.names);
          if (!stored) continue;
          last = stored.version;
          if (backwards ? stored.version < to : stored.version > to) return;
          yield stored;
          remaining--;
        }
      } catch (error) {
        // The client reports a stream that was never written while iterating, not before.
        if (isStreamNotFound(error)) return;
        throw error;
      }
      if (read < maxCount || last === undefined || (backwards && last === 0n)) return;
      fromRevision = backwards ? last - 1n : last + 1n;
    }
  }

  async version(streamId: string): Promise<StreamRevision> {
    for await (const stored of this.stream(streamId, { from: LAST, to: 0n, backwards: true, limit: 1 })) {
      return stored.version;
    }
    return "no_stream";
  }

  /**
   * This log's events from our position `from` (inclusive) on, in $all order. The server can
   * only start at a record, so the read starts at the one `from` names (log-position.ts) and
   * drops what lies before `from`; each later page starts at the last record read and skips it.
   */
  async *all(from: bigint): AsyncGenerator<StoredEvent> {
    let fromPosition: ReadPosition = seekPosition(from);
    let after: Position | undefined;
    for (;;) {
      const maxCount = this.pageSize + (after ? 1 : 0);
      let read = 0;
      for await (const resolved of this.client.readAll({ fromPosition, maxCount })) {
        read++;
        const record = resolved.event;
        if (!record || (after && !isAfter(record.position, after))) continue;
        after = record.position;
        const stored = storedEventOf(resolved, this.names);
        if (stored && stored.position >= from) yield stored;
      }
      if (read < maxCount || !after) return;
      fromPosition = after;
    }
  }

  /** Up to `limit` of this log's events from `from`: fewer only at the end of the log. */
  async page(from: bigint, limit: number): Promise<StoredEvent[]> {
    const page: StoredEvent[] = [];
    for await (const stored of this.all(from)) {
      page.push(stored);
      if (page.length >= limit) break;
    }
    return page;
  }

  /** The position of this log's last event: $all backwards, past system and foreign records. */
  async head(): Promise<bigint> {
    let fromPosition: ReadPosition = END;
    let before: Position | undefined;
    for (;;) {
      const maxCount = this.pageSize + (before ? 1 : 0);
      let read = 0;
      for await (const resolved of this.client.readAll({ fromPosition, direction: BACKWARDS, maxCount })) {
        read++;
        const record = resolved.event;
        if (!record || (before && !isAfter(before, record.position))) continue;
        before = record.position;
        const stored = storedEventOf(resolved, this.names);
        if (stored) return stored.position;
      }
      if (read < maxCount || !before) return 0n;
      fromPosition = before;
    }
  }
}

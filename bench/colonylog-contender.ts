import { SqliteEventStore } from "../src/adapters/sqlite/sqlite-event-store.js";
import type { RecordedEvent } from "../src/domain/envelope.js";
import type { EventStore } from "../src/domain/ports/event-store.js";
import type { LogReader, LogWriter } from "./log-contender.js";
import type { WorkloadAppend } from "./log-workload.js";

/** One of our event stores (SQLite unless given another), driven through the public EventStore port. */
export class ColonylogContender implements LogWriter, LogReader {
  private readonly versions = new Map<string, bigint>();

  constructor(private readonly store: EventStore) {}

  static open(file: string): ColonylogContender {
    return new ColonylogContender(SqliteEventStore.open(file));
  }

  async append({ streamId, events }: WorkloadAppend): Promise<void> {
    const expectedVersion = this.versions.get(streamId) ?? "no_stream";
    const result = await this.store.append(streamId, events, { expectedVersion });
    this.versions.set(streamId, result.nextExpectedVersion);
  }

  /** Appends to distinct streams in one transaction (one appendMany), each expecting its stream's exact version. */
  async appendMany(appends: readonly WorkloadAppend[]): Promise<void> {
    const results = await this.store.appendMany(
      appends.map(({ streamId, events }) => ({
        streamId,
        events,
        expectedVersion: this.versions.get(streamId) ?? "no_stream",
      })),
    );
    for (const result of results) this.versions.set(result.streamId, result.nextExpectedVersion);
  }

  async scan(): Promise<number> {
    let count = 0;
    let last: RecordedEvent | undefined;
    for await (const event of this.store.readAll()) {
      last = event;
      count++;
    }
    if (count > 0 && last?.metadata.eventId === undefined)
      throw new Error("readAll returned an event without metadata");
    return count;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

import { SqliteEventStore } from "../src/adapters/sqlite/sqlite-event-store.js";
import type { RecordedEvent } from "../src/domain/envelope.js";
import type { LogReader, LogWriter } from "./log-contender.js";
import type { WorkloadAppend } from "./log-workload.js";

/** Our SQLite event store, driven through the public EventStore port. */
export class ColonylogContender implements LogWriter, LogReader {
  private readonly versions = new Map<string, bigint>();

  private constructor(private readonly store: SqliteEventStore) {}

  static open(file: string): ColonylogContender {
    return new ColonylogContender(SqliteEventStore.open(file));
  }

  async append({ streamId, events }: WorkloadAppend): Promise<void> {
    const expectedVersion = this.versions.get(streamId) ?? "no_stream";
    const result = await this.store.append(streamId, events, { expectedVersion });
    this.versions.set(streamId, result.nextExpectedVersion);
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

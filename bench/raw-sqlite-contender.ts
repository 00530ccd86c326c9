import type Database from "better-sqlite3";
import { migrateLog } from "../src/adapters/sqlite/log-schema.js";
import { openDatabase } from "../src/adapters/sqlite/open-database.js";
import { EVENT_ID_HEX, eventIdBytes, eventIdText, recordedAtText } from "../src/adapters/sqlite/stored-envelope.js";
import { UuidV7Generator } from "../src/adapters/system/uuid-v7.js";
import type { LogReader, LogWriter } from "./log-contender.js";
import type { WorkloadAppend } from "./log-workload.js";

interface ScannedEvent {
  readonly position: number;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: { readonly eventId?: string };
}

/** [position, stream_id, version, type, data, event_id, recorded_at, schema_version]: as raw as better-sqlite3 returns. */
type StoredRow = [number, string, number, string, string, string, number, number];

/**
 * The baseline: plain better-sqlite3 on the very same schema, pragmas and rows (same JSON text,
 * UUIDv7 ids as 16 bytes, one `BEGIN IMMEDIATE` transaction per append), and nothing else: no validation,
 * no version check, no envelope objects.
 */
export class RawSqliteContender implements LogWriter, LogReader {
  private readonly ids = new UuidV7Generator();
  private readonly versions = new Map<string, number>();
  private readonly insert: Database.Statement;
  private readonly all: Database.Statement<[], StoredRow>;
  private readonly write: Database.Transaction<(append: WorkloadAppend) => number>;

  private constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      "INSERT INTO events (stream_id, version, type, data, event_id, recorded_at, schema_version) VALUES (?, ?, ?, ?, ?, ?, 1)",
    );
    this.all = db
      .prepare<[], StoredRow>(
        `SELECT position, stream_id, version, type, data, ${EVENT_ID_HEX}, recorded_at, schema_version FROM events ORDER BY position`,
      )
      .raw(true);
    this.write = db.transaction(({ streamId, events }: WorkloadAppend) => {
      const recordedAt = Date.now();
      let version = this.versions.get(streamId) ?? 0;
      for (const event of events) {
        const eventId = eventIdBytes(this.ids.uuid());
        this.insert.run(streamId, version++, event.type, JSON.stringify(event.data), eventId, recordedAt);
      }
      return version;
    });
  }

  static open(file: string): RawSqliteContender {
    const db = openDatabase(file);
    migrateLog(db);
    return new RawSqliteContender(db);
  }

  async append(append: WorkloadAppend): Promise<void> {
    this.versions.set(append.streamId, this.write.immediate(append));
  }

  async scan(): Promise<number> {
    let count = 0;
    let last: ScannedEvent | undefined;
    for (const [position, streamId, version, type, data, eventId, recordedAt, schemaVersion] of this.all.iterate()) {
      const metadata = { eventId: eventIdText(eventId), recordedAt: recordedAtText(recordedAt), schemaVersion };
      last = { position, streamId, version, type, data: JSON.parse(data), metadata };
      count++;
    }
    if (count > 0 && last?.metadata.eventId === undefined) throw new Error("scan returned a row without metadata");
    return count;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

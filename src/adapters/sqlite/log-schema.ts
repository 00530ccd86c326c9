import type Database from "better-sqlite3";

/**
 * The log table. The position is SQLite's rowid: writers are serialised by the database lock,
 * so positions become visible in commit order and a reader that follows `position > cursor`
 * can never skip an event that commits late.
 */
const migrations: readonly string[] = [
  `CREATE TABLE events (
     position  INTEGER PRIMARY KEY,
     stream_id TEXT    NOT NULL,
     version   INTEGER NOT NULL,
     type      TEXT    NOT NULL,
     data      TEXT    NOT NULL,
     metadata  TEXT    NOT NULL,
     event_id  TEXT    NOT NULL,
     UNIQUE (stream_id, version)
   );
   CREATE UNIQUE INDEX events_event_id ON events (event_id);`,
  // The envelope as columns: the event id as its 16 bytes (it was stored twice as 36 characters,
  // in the row and in its index), the time and schema version apart, and \`metadata\` only for the
  // optional fields (NULL when none). About 125 fewer bytes per event; nothing is lost.
  `CREATE TABLE events_v2 (
     position       INTEGER PRIMARY KEY,
     stream_id      TEXT    NOT NULL,
     version        INTEGER NOT NULL,
     type           TEXT    NOT NULL,
     data           TEXT    NOT NULL,
     event_id       BLOB    NOT NULL,
     recorded_at            NOT NULL,
     schema_version INTEGER NOT NULL,
     metadata       TEXT,
     UNIQUE (stream_id, version)
   );
   INSERT INTO events_v2
     SELECT position, stream_id, version, type, data, unhex(replace(event_id, '-', '')),
            iif(strftime('%Y-%m-%dT%H:%M:%fZ', metadata ->> 'recordedAt') = metadata ->> 'recordedAt',
                CAST(round(unixepoch(metadata ->> 'recordedAt', 'subsec') * 1000) AS INTEGER),
                metadata ->> 'recordedAt'),
            metadata ->> 'schemaVersion',
            nullif(json_remove(metadata, '$.eventId', '$.recordedAt', '$.schemaVersion'), '{}')
     FROM events ORDER BY position;
   DROP TABLE events;
   ALTER TABLE events_v2 RENAME TO events;
   CREATE UNIQUE INDEX events_event_id ON events (event_id);`,
];

/** The log schema this colonylog writes; exported for the migration test. */
export const LOG_SCHEMA_VERSION = migrations.length;

export const LOG_VERSION_TABLE = "colonylog_log_schema";

/** Applies pending log migrations, each in its own immediate transaction (safe across processes). */
export function migrateLog(db: Database.Database, upTo = LOG_SCHEMA_VERSION): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${LOG_VERSION_TABLE} (version INTEGER NOT NULL)`);
  const current = () =>
    (db.prepare(`SELECT max(version) AS v FROM ${LOG_VERSION_TABLE}`).get() as { v: number | null }).v ?? 0;
  migrations.slice(0, upTo).forEach((sql, index) => {
    const version = index + 1;
    db.transaction(() => {
      if (current() >= version) return;
      db.exec(sql);
      db.prepare(`INSERT INTO ${LOG_VERSION_TABLE} (version) VALUES (?)`).run(version);
    }).immediate();
  });
}

/**
 * For a read-only connection, which must not migrate: the log must already be at this
 * colonylog's schema (whoever opened it for writing migrated it).
 */
export function assertLogCurrent(db: Database.Database): void {
  const table = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(LOG_VERSION_TABLE);
  const version = table
    ? ((db.prepare(`SELECT max(version) AS v FROM ${LOG_VERSION_TABLE}`).get() as { v: number | null }).v ?? 0)
    : 0;
  if (version !== LOG_SCHEMA_VERSION) {
    throw new Error(
      `${db.name}: the log is at schema ${version}, this colonylog reads ${LOG_SCHEMA_VERSION}; open it for writing once to migrate it`,
    );
  }
}

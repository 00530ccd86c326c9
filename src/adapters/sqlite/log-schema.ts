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
];

const VERSION_TABLE = "colonylog_log_schema";

/** Applies pending log migrations, each in its own immediate transaction (safe across processes). */
export function migrateLog(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version INTEGER NOT NULL)`);
  const current = () =>
    (db.prepare(`SELECT max(version) AS v FROM ${VERSION_TABLE}`).get() as { v: number | null }).v ?? 0;
  migrations.forEach((sql, index) => {
    const version = index + 1;
    db.transaction(() => {
      if (current() >= version) return;
      db.exec(sql);
      db.prepare(`INSERT INTO ${VERSION_TABLE} (version) VALUES (?)`).run(version);
    }).immediate();
  });
}

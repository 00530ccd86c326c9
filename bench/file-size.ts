import { existsSync, statSync } from "node:fs";
import type Database from "better-sqlite3";

/**
 * Bytes a SQLite database takes on disk once its WAL is folded in and emptied
 * (`wal_checkpoint(TRUNCATE)`): the main file plus whatever is left in the WAL.
 */
export function sqliteBytesOnDisk(db: Database.Database, file: string): number {
  const [result] = db.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
  if (result?.busy) throw new Error(`${file}: the WAL could not be checkpointed (busy)`);
  return fileBytesOnDisk(file);
}

/** The main file plus its WAL, if any (the -shm file is an index of the WAL, rebuilt on open). */
export function fileBytesOnDisk(file: string): number {
  return statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
}

/** Bytes of pages each table (with its indexes) holds, from SQLite's dbstat table. */
export function bytesPerTable(db: Database.Database): Map<string, number> {
  const rows = db
    .prepare(
      "SELECT coalesce(s.tbl_name, d.name) AS tbl, sum(d.pgsize) AS bytes FROM dbstat d LEFT JOIN sqlite_schema s ON s.name = d.name GROUP BY tbl",
    )
    .all() as { tbl: string; bytes: number }[];
  return new Map(rows.map((r) => [r.tbl, r.bytes]));
}

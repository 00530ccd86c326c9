import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

export type Synchronous = "OFF" | "NORMAL" | "FULL" | "EXTRA";

export interface SqliteConnectionOptions {
  /** NORMAL (the default) survives a process crash losing nothing committed; FULL also survives power loss. */
  readonly synchronous?: Synchronous;
  /** How long a writer waits for another process's write lock before failing. */
  readonly busyTimeoutMs?: number;
}

export const IN_MEMORY = ":memory:";

/** Opens (creating the folder if needed) a SQLite file in WAL mode with our pragmas. */
export function openDatabase(file: string, options: SqliteConnectionOptions = {}): Database.Database {
  if (file !== IN_MEMORY) mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  if (file !== IN_MEMORY) db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.synchronous ?? "NORMAL"}`);
  return db;
}

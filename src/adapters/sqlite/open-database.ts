import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

export type Synchronous = "OFF" | "NORMAL" | "FULL" | "EXTRA";

export interface SqliteConnectionOptions {
  /** NORMAL (the default) survives a process crash losing nothing committed; FULL also survives power loss. */
  readonly synchronous?: Synchronous;
  /** How long a writer waits for another process's write lock before failing. */
  readonly busyTimeoutMs?: number;
  /** A reading connection: every write fails, and nothing about the file is changed on open. */
  readonly readonly?: boolean;
}

export const IN_MEMORY = ":memory:";

/** Opens (creating the folder if needed) a SQLite file in WAL mode with our pragmas. */
export function openDatabase(file: string, options: SqliteConnectionOptions = {}): Database.Database {
  const { readonly = false } = options;
  if (!readonly && file !== IN_MEMORY) mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly, fileMustExist: readonly });
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  // A reader changes nothing: WAL is a property of the file, set by whoever opened it to write.
  if (readonly) return db;
  if (file !== IN_MEMORY) db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.synchronous ?? "NORMAL"}`);
  return db;
}

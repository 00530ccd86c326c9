import { resolve } from "node:path";
import { ColonyError } from "../../domain/errors.js";
import { assertFileUsable } from "../open-colony-store.js";
import { SqliteEventStore, type SqliteEventStoreOptions } from "../sqlite/sqlite-event-store.js";

export const DEFAULT_DB = ".colony/colony.db";

export interface OpenStoreOptions extends SqliteEventStoreOptions {
  /** Read verbs pass true: a missing file is an error, never silently created. */
  readonly mustExist: boolean;
}

/** Opens the SQLite log at `dbPath`, turning the ways that can fail into one-line errors. */
export function openStore(dbPath: string, options: OpenStoreOptions): SqliteEventStore {
  const { mustExist, ...storeOptions } = options;
  assertFileUsable(dbPath, mustExist);
  try {
    return SqliteEventStore.open(resolve(dbPath), storeOptions);
  } catch (error) {
    if (error instanceof ColonyError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ColonyError("cannot_open_log", `cannot open log at ${dbPath}: ${reason}`, { path: dbPath, reason });
  }
}

import { resolve } from "node:path";
import type { EventStore } from "../domain/ports/event-store.js";
import { openingLog } from "./open-colony-store.js";
import { PostgresEventStore } from "./postgres/postgres-event-store.js";
import { PostgresStoredLog } from "./postgres/postgres-stored-log.js";
import { SqliteEventStore } from "./sqlite/sqlite-event-store.js";
import { SqliteStoredLog } from "./sqlite/sqlite-stored-log.js";
import { parseStoreLocation, type StoreLocation } from "./store-location.js";
import type { StoredLog } from "./stored-log.js";

export interface OpenLogOptions {
  /** Read verbs pass true: a missing SQLite file is an error, never silently created. */
  readonly mustExist: boolean;
}

const located = (db: string | StoreLocation) => (typeof db === "string" ? parseStoreLocation(db) : db);

/** Only the log a `--db` value names (store-location.ts), for the verbs that need nothing but the port. */
export function openEventStore(db: string | StoreLocation, options: OpenLogOptions): Promise<EventStore> {
  const location = located(db);
  return openingLog(location, options.mustExist, async () =>
    location.kind === "postgres"
      ? PostgresEventStore.open(location.url)
      : SqliteEventStore.open(resolve(location.file)),
  );
}

/** The log a `--db` value names with the read models stored beside it, for the verbs that read or maintain them. */
export function openStoredLog(db: string | StoreLocation, options: OpenLogOptions): Promise<StoredLog> {
  const location = located(db);
  return openingLog(location, options.mustExist, async () =>
    location.kind === "postgres" ? PostgresStoredLog.open(location.url) : SqliteStoredLog.open(resolve(location.file)),
  );
}

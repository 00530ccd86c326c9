import { Kysely, SqliteDialect } from "kysely";
import type { ReadModels } from "../../projections/read-models.js";
import { type ComposedColonyDatabase, type ComposeOptions, composeColonyDatabase } from "../compose-colony-database.js";
import { SqliteEventStore, type SqliteEventStoreOptions } from "./sqlite-event-store.js";
import { SqliteProjectionStore } from "./sqlite-projection-store.js";

export interface ColonyDatabaseOptions extends SqliteEventStoreOptions, ComposeOptions {}

/** One SQLite file holding the log and its read models, on the log's own connection. */
export type SqliteColonyDatabase = ComposedColonyDatabase<SqliteEventStore, SqliteProjectionStore>;

export async function openColonyDatabase(
  file: string,
  options: ColonyDatabaseOptions = {},
): Promise<SqliteColonyDatabase> {
  const events = SqliteEventStore.open(file, options);
  const db = events.database;
  return composeColonyDatabase(
    {
      events,
      storeOf: (projections) => new SqliteProjectionStore(db, projections),
      attachInline: (log, store) => log.attachInline(store),
      readModels: new Kysely<ReadModels>({ dialect: new SqliteDialect({ database: db }) }),
    },
    options,
  );
}

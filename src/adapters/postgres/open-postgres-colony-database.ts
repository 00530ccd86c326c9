import type { ComposedColonyDatabase, ComposeOptions } from "../compose-colony-database.js";
import { composeColonyDatabase } from "../compose-colony-database.js";
import { PostgresEventStore, type PostgresEventStoreOptions } from "./postgres-event-store.js";
import { postgresReadModels, readModelPool } from "./postgres-projection-read-models.js";
import { PostgresProjectionStore } from "./postgres-projection-store.js";

export interface PostgresColonyDatabaseOptions extends PostgresEventStoreOptions, ComposeOptions {}

/**
 * One PostgreSQL database holding the log and its read models, shared by every process that
 * opens it: each folds its inline projections in its own appends, and the runners of all of
 * them take turns on the checkpoints. Reads of the read models get the JavaScript types SQLite's
 * give (postgres-projection-read-models.ts).
 */
export type PostgresColonyDatabase = ComposedColonyDatabase<PostgresEventStore, PostgresProjectionStore>;

export async function openPostgresColonyDatabase(
  url: string,
  options: PostgresColonyDatabaseOptions = {},
): Promise<PostgresColonyDatabase> {
  const events = await PostgresEventStore.open(url, options);
  // Its own pool: read-model reads parse int8 as numbers, the log's own queries do not.
  const pool = readModelPool({ connectionString: url, max: options.maxConnections ?? 10 });
  return composeColonyDatabase(
    {
      events,
      storeOf: (projections) => new PostgresProjectionStore(pool, projections),
      attachInline: (log, store) => log.attachInline(store),
      readModels: postgresReadModels(pool),
      closeRest: async () => {
        if (!pool.ended) await pool.end();
      },
    },
    options,
  );
}

import type { Kysely } from "kysely";
import type pg from "pg";
import type { AnyProjection } from "../../projections/projection.js";
import type { ReadModels } from "../../projections/read-models.js";
import type { FoldOptions, StoredLog } from "../stored-log.js";
import { PostgresEventStore } from "./postgres-event-store.js";
import {
  catchUpPostgresProjections,
  hashPostgresProjectionTables,
  readPostgresCheckpoints,
  rebuildPostgresProjections,
} from "./postgres-projection-maintenance.js";
import { postgresReadModels, readModelPool } from "./postgres-projection-read-models.js";

/**
 * The log in a PostgreSQL database and the read models beside it. Folds run on this thread
 * through ProjectionRunner.catchUp: SQLite's second-thread fold (fold-in-worker.ts) stays
 * SQLite's, since its worker reads the log from the file and hands the writes back as bound
 * SQLite statements; here the server does the writing and a batch's statements are pipelined.
 */
export class PostgresStoredLog implements StoredLog {
  readonly readModels: Kysely<ReadModels>;

  private constructor(
    readonly events: PostgresEventStore,
    private readonly pool: pg.Pool,
  ) {
    this.readModels = postgresReadModels(pool);
  }

  static async open(url: string): Promise<PostgresStoredLog> {
    const events = await PostgresEventStore.open(url);
    return new PostgresStoredLog(events, readModelPool({ connectionString: url, max: 2 }));
  }

  checkpoints() {
    return readPostgresCheckpoints(this.pool);
  }

  async countEvents(after: bigint, through: bigint): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      "SELECT count(*) AS n FROM events WHERE position > $1 AND position <= $2",
      [after, through],
    );
    return rows[0]?.n ?? 0;
  }

  catchUp(projections: readonly AnyProjection[], options: FoldOptions = {}): Promise<bigint> {
    return catchUpPostgresProjections(this.events, this.pool, projections, options);
  }

  rebuild(projections: readonly AnyProjection[], options: FoldOptions = {}): Promise<bigint> {
    return rebuildPostgresProjections(this.events, this.pool, projections, options);
  }

  hashTables(projections: readonly AnyProjection[]) {
    return hashPostgresProjectionTables(this.pool, projections);
  }

  async close(): Promise<void> {
    await this.events.close();
    if (!this.pool.ended) await this.pool.end();
  }
}

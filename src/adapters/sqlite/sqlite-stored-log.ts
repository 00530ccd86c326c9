import { Kysely, SqliteDialect } from "kysely";
import type { AnyProjection } from "../../projections/projection.js";
import type { ReadModels } from "../../projections/read-models.js";
import type { FoldOptions, StoredLog } from "../stored-log.js";
import { catchUpProjections, readStoredCheckpoints, rebuildProjections } from "./projection-maintenance.js";
import { SqliteEventStore } from "./sqlite-event-store.js";
import { hashProjectionTables } from "./table-hash.js";

/** The log in a SQLite file and the read models beside it in the same file. */
export class SqliteStoredLog implements StoredLog {
  // No destroy() on close: it would close the store's connection, which the store closes.
  readonly readModels: Kysely<ReadModels>;

  private constructor(readonly events: SqliteEventStore) {
    this.readModels = new Kysely<ReadModels>({ dialect: new SqliteDialect({ database: events.database }) });
  }

  static open(file: string): SqliteStoredLog {
    return new SqliteStoredLog(SqliteEventStore.open(file));
  }

  async checkpoints() {
    return readStoredCheckpoints(this.events.database);
  }

  async countEvents(after: bigint, through: bigint): Promise<number> {
    const row = this.events.database
      .prepare("SELECT count(*) AS n FROM events WHERE position > ? AND position <= ?")
      .get(after, through) as { n: number };
    return row.n;
  }

  /** Long folds take a second thread here (fold-in-worker.ts). */
  catchUp(projections: readonly AnyProjection[], options: FoldOptions = {}): Promise<bigint> {
    return catchUpProjections(this.events, this.events.database, projections, options);
  }

  rebuild(projections: readonly AnyProjection[], options: FoldOptions = {}): Promise<bigint> {
    return rebuildProjections(this.events, this.events.database, projections, options);
  }

  async hashTables(projections: readonly AnyProjection[]) {
    return hashProjectionTables(this.events.database, projections);
  }

  close(): Promise<void> {
    return this.events.close();
  }
}

import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { InvalidArgumentError } from "../../domain/errors.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import type { AnyProjection } from "../../projections/projection.js";
import { ProjectionRunner, type RunnerOptions } from "../../projections/projection-runner.js";
import { allProjections, type ReadModels } from "../../projections/read-models.js";
import { IN_MEMORY } from "./open-database.js";
import { SqliteProjectionStore } from "./sqlite-projection-store.js";

export interface ProjectAtOptions extends RunnerOptions {
  /** The projections to fold (default: every projection colonylog keeps). */
  readonly projections?: readonly AnyProjection[];
}

/** Read models as they were at one position of the log, in a throwaway in-memory database. */
export interface PointInTime {
  readonly readModels: Kysely<ReadModels>;
  /** The in-memory database holding them (for raw reads and table hashes). */
  readonly database: Database.Database;
  /** The position folded up to: the one asked for, or the head when the log is shorter. */
  readonly position: bigint;
  close(): Promise<void>;
}

/**
 * Time travel (DESIGN §4): folds the log from its start up to `position`, inclusive, into fresh
 * read models in memory. The log and any stored read model are left untouched; `close()`
 * discards the result.
 */
export async function projectAt(
  events: EventStore,
  position: bigint,
  options: ProjectAtOptions = {},
): Promise<PointInTime> {
  if (typeof position !== "bigint" || position < 0n) {
    throw new InvalidArgumentError("position", `expected a position >= 0, got ${String(position)}`);
  }
  const { projections = allProjections, ...runnerOptions } = options;
  const database = new Database(IN_MEMORY);
  try {
    const store = new SqliteProjectionStore(database, projections);
    await store.prepare();
    const reached = await new ProjectionRunner(events, store, runnerOptions).catchUp({ to: position });
    const readModels = new Kysely<ReadModels>({ dialect: new SqliteDialect({ database }) });
    return {
      readModels,
      database,
      position: reached,
      async close() {
        await readModels.destroy();
        if (database.open) database.close();
      },
    };
  } catch (error) {
    database.close();
    throw error;
  }
}

import { resolve } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { InvalidArgumentError } from "../../domain/errors.js";
import type { AnyProjection } from "../../projections/projection.js";
import { ProjectionRunner, type RunnerOptions } from "../../projections/projection-runner.js";
import { allProjections, type ReadModels } from "../../projections/read-models.js";
import { LOG_VERSION_TABLE } from "./log-schema.js";
import { IN_MEMORY } from "./open-database.js";
import type { SqliteEventStore } from "./sqlite-event-store.js";
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
  events: SqliteEventStore,
  position: bigint,
  options: ProjectAtOptions = {},
): Promise<PointInTime> {
  if (typeof position !== "bigint" || position < 0n) {
    throw new InvalidArgumentError("position", `expected a position >= 0, got ${String(position)}`);
  }
  const { projections = allProjections, ...runnerOptions } = options;
  const database = besideTheLog(events.database);
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

/**
 * A throwaway database that still sees the log's `events` table, which read models join for
 * the text they point at (LogEventsTable). A file log is attached under the name `log`, and
 * unqualified names fall through to it; it is only ever read, since the projection store creates,
 * drops and writes its tables in `main` (better-sqlite3 takes no URI, so no `mode=ro`). An
 * in-memory log cannot be attached from another connection, so it is copied, every table but the
 * log's dropped.
 */
function besideTheLog(log: Database.Database): Database.Database {
  if (!log.memory) {
    const database = new Database(IN_MEMORY);
    database.prepare("ATTACH DATABASE ? AS log").run(resolve(log.name));
    return database;
  }
  const database = new Database(log.serialize());
  const tables = database
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('events', ?)")
    .pluck()
    .all(LOG_VERSION_TABLE) as string[];
  for (const table of tables) database.exec(`DROP TABLE "${table}"`);
  return database;
}

import { resolve } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { RecordedEvent } from "../../domain/envelope.js";
import { InvalidArgumentError } from "../../domain/errors.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import type { AnyProjection } from "../../projections/projection.js";
import { ProjectionRunner, type RunnerOptions } from "../../projections/projection-runner.js";
import { allProjections, type ReadModels } from "../../projections/read-models.js";
import { IN_MEMORY } from "./open-database.js";
import { SqliteEventStore } from "./sqlite-event-store.js";
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
 * discards the result. The log may be on any engine: the projection definitions are
 * dialect-neutral, so a PostgreSQL log folds into SQLite like a SQLite one.
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
  const database = await besideTheLog(events, position);
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
 * the text they point at (LogEventsTable). A SQLite file log is attached under the name `log`,
 * and unqualified names fall through to it; it is only ever read, since the projection store
 * creates, drops and writes its tables in `main` (better-sqlite3 takes no URI, so no `mode=ro`).
 * Any other log (in memory, which another connection cannot attach, or on another engine) has
 * its events up to `position` copied in, as the port reads them: the data upcast, with the
 * schema version it is now at, so the read models find what they would find beside the log.
 */
async function besideTheLog(events: EventStore, position: bigint): Promise<Database.Database> {
  const database = new Database(IN_MEMORY);
  try {
    if (events instanceof SqliteEventStore && !events.database.memory) {
      database.prepare("ATTACH DATABASE ? AS log").run(resolve(events.database.name));
      return database;
    }
    database.exec(
      "CREATE TABLE events (position INTEGER PRIMARY KEY, type TEXT NOT NULL, data TEXT NOT NULL, schema_version INTEGER NOT NULL)",
    );
    const insert = database.prepare("INSERT INTO events VALUES (?, ?, ?, ?)");
    const copy = database.transaction((batch: readonly RecordedEvent[]) => {
      for (const e of batch) insert.run(e.position, e.type, JSON.stringify(e.data), e.metadata.schemaVersion);
    });
    let batch: RecordedEvent[] = [];
    for await (const event of events.readAll()) {
      if (event.position > position) break;
      batch.push(event);
      if (batch.length >= COPY_BATCH) {
        copy(batch);
        batch = [];
      }
    }
    copy(batch);
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

/** Events copied per transaction into a throwaway database. */
const COPY_BATCH = 1000;

import { Kysely, SqliteDialect } from "kysely";
import type { AnyProjection } from "../../projections/projection.js";
import { ProjectionRunner, type RunnerOptions } from "../../projections/projection-runner.js";
import { allProjections, type ReadModels } from "../../projections/read-models.js";
import { SqliteEventStore, type SqliteEventStoreOptions } from "./sqlite-event-store.js";
import { SqliteProjectionStore } from "./sqlite-projection-store.js";

export interface ColonyDatabaseOptions extends SqliteEventStoreOptions, RunnerOptions {
  readonly projections?: readonly AnyProjection[];
  /** Names of projections folded inside each append transaction, for read-your-writes. */
  readonly inline?: readonly string[];
}

/** One SQLite file holding the log and its read models (DESIGN §5: same database by default). */
export interface ColonyDatabase {
  readonly events: SqliteEventStore;
  /** Projections the runner feeds after the fact. */
  readonly projections: SqliteProjectionStore;
  /** Projections every append folds in its own transaction. */
  readonly inlineProjections: SqliteProjectionStore;
  readonly runner: ProjectionRunner;
  readonly readModels: Kysely<ReadModels>;
  close(): Promise<void>;
}

export async function openColonyDatabase(file: string, options: ColonyDatabaseOptions = {}): Promise<ColonyDatabase> {
  const all = options.projections ?? allProjections;
  const inlineNames = new Set(options.inline ?? []);
  for (const name of inlineNames) {
    if (!all.some((p) => p.name === name)) throw new Error(`inline projection ${name} is not among the projections`);
  }
  const events = SqliteEventStore.open(file, options);
  const db = events.database;
  const projections = new SqliteProjectionStore(
    db,
    all.filter((p) => !inlineNames.has(p.name)),
  );
  const inlineProjections = new SqliteProjectionStore(
    db,
    all.filter((p) => inlineNames.has(p.name)),
  );
  await projections.prepare();
  await inlineProjections.prepare();
  const inlineRunner = new ProjectionRunner(events, inlineProjections, options);
  // Inline projections first catch up with whatever was written without them, then ride appends.
  await inlineRunner.catchUp();
  events.attachInline(inlineProjections);
  return {
    events,
    projections,
    inlineProjections,
    runner: new ProjectionRunner(events, projections, options),
    readModels: new Kysely<ReadModels>({ dialect: new SqliteDialect({ database: db }) }),
    async close() {
      await events.close();
    },
  };
}

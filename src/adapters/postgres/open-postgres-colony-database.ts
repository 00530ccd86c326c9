import type { Kysely } from "kysely";
import type { AnyProjection } from "../../projections/projection.js";
import { ProjectionRunner, type RunnerOptions } from "../../projections/projection-runner.js";
import { allProjections, type ReadModels } from "../../projections/read-models.js";
import { PostgresEventStore, type PostgresEventStoreOptions } from "./postgres-event-store.js";
import { postgresReadModels, readModelPool } from "./postgres-projection-read-models.js";
import { PostgresProjectionStore } from "./postgres-projection-store.js";

export interface PostgresColonyDatabaseOptions extends PostgresEventStoreOptions, RunnerOptions {
  readonly projections?: readonly AnyProjection[];
  /** Names of projections folded inside each append transaction, for read-your-writes. */
  readonly inline?: readonly string[];
}

/**
 * One PostgreSQL database holding the log and its read models (DESIGN §5: the same database by
 * default), shared by every process that opens it: each folds its inline projections in its
 * own appends, and the runners of all of them take turns on the checkpoints.
 */
export interface PostgresColonyDatabase {
  readonly events: PostgresEventStore;
  /** Projections the runner feeds after the fact. */
  readonly projections: PostgresProjectionStore;
  /** Projections every append folds in its own transaction. */
  readonly inlineProjections: PostgresProjectionStore;
  readonly runner: ProjectionRunner;
  /** Reads of the read models, with the JavaScript types SQLite's give (postgres-projection-read-models.ts). */
  readonly readModels: Kysely<ReadModels>;
  close(): Promise<void>;
}

export async function openPostgresColonyDatabase(
  url: string,
  options: PostgresColonyDatabaseOptions = {},
): Promise<PostgresColonyDatabase> {
  const all = options.projections ?? allProjections;
  const inlineNames = new Set(options.inline ?? []);
  for (const name of inlineNames) {
    if (!all.some((p) => p.name === name)) throw new Error(`inline projection ${name} is not among the projections`);
  }
  const events = await PostgresEventStore.open(url, options);
  // Its own pool: read-model reads parse int8 as numbers, the log's own queries do not.
  const pool = readModelPool({ connectionString: url, max: options.maxConnections ?? 10 });
  try {
    const projections = new PostgresProjectionStore(
      pool,
      all.filter((p) => !inlineNames.has(p.name)),
    );
    const inlineProjections = new PostgresProjectionStore(
      pool,
      all.filter((p) => inlineNames.has(p.name)),
    );
    await projections.prepare();
    await inlineProjections.prepare();
    // Inline projections first catch up with whatever was written without them, then ride appends.
    await new ProjectionRunner(events, inlineProjections, options).catchUp();
    events.attachInline(inlineProjections);
    return {
      events,
      projections,
      inlineProjections,
      runner: new ProjectionRunner(events, projections, options),
      readModels: postgresReadModels(pool),
      async close() {
        await events.close();
        if (!pool.ended) await pool.end();
      },
    };
  } catch (error) {
    await events.close();
    await pool.end();
    throw error;
  }
}

import type Database from "better-sqlite3";
import type { EventStore } from "../../domain/ports/event-store.js";
import type { AnyProjection } from "../../projections/projection.js";
import {
  type ProjectionReport,
  reportProjections,
  type StoredCheckpoint,
} from "../../projections/projection-reports.js";
import { type Progress, ProjectionRunner, type RunnerOptions } from "../../projections/projection-runner.js";
import { workerFolder } from "./fold-in-worker.js";
import { SqliteProjectionStore } from "./sqlite-projection-store.js";

const CHECKPOINTS = "projection_checkpoints";

export {
  chooseProjections,
  type ProjectionReport,
  type ProjectionState,
  type StoredCheckpoint,
  UnknownProjectionError,
} from "../../projections/projection-reports.js";

/**
 * The checkpoint table as it is, read without creating or changing anything (unlike
 * `SqliteProjectionStore.prepare`, which rebuilds projections whose version changed).
 * No table: no projection was ever built in this database.
 */
export function readStoredCheckpoints(db: Database.Database): Map<string, StoredCheckpoint> {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(CHECKPOINTS);
  if (!exists) return new Map();
  const rows = db
    .prepare(`SELECT name, version, position FROM ${CHECKPOINTS} ORDER BY name`)
    .safeIntegers(true)
    .all() as { name: string; version: bigint; position: bigint }[];
  return new Map(rows.map((r) => [r.name, { name: r.name, version: Number(r.version), position: r.position }]));
}

/** Where each projection stands against the log's head; reads only. */
export function projectionReports(
  db: Database.Database,
  projections: readonly AnyProjection[],
  head: bigint,
): ProjectionReport[] {
  return reportProjections(readStoredCheckpoints(db), projections, head);
}

export interface RebuildOptions extends RunnerOptions {
  /** Last position to fold in (default, and at most: the head when the rebuild starts). */
  readonly to?: bigint;
  readonly onProgress?: (progress: Progress) => void;
  /**
   * Folds in a second thread (fold-in-worker.ts) when at least this many positions are to be
   * folded; default WORKER_FOLD_MIN_EVENTS, Infinity to stay on this thread.
   */
  readonly offThreadFrom?: number;
}

/**
 * Drops the projections' read models and folds the log into them again, from the start up to
 * `to`. Each batch commits with its checkpoint, so a rebuild that is killed resumes (on the next
 * catch-up) after the last batch it committed. Returns the position reached.
 */
export async function rebuildProjections(
  events: EventStore,
  db: Database.Database,
  projections: readonly AnyProjection[],
  options: RebuildOptions = {},
): Promise<bigint> {
  const store = await preparedStore(db, projections);
  await store.reset(projections.map((p) => p.name));
  return fold(events, store, options);
}

/** Folds what the projections have not seen yet, up to `to`; nothing is dropped. */
export async function catchUpProjections(
  events: EventStore,
  db: Database.Database,
  projections: readonly AnyProjection[],
  options: RebuildOptions = {},
): Promise<bigint> {
  return fold(events, await preparedStore(db, projections), options);
}

async function preparedStore(db: Database.Database, projections: readonly AnyProjection[]) {
  const store = new SqliteProjectionStore(db, projections);
  await store.prepare();
  return store;
}

/** Long folds take a second thread (fold-in-worker.ts) where they can; short ones stay on this one. */
function fold(events: EventStore, store: SqliteProjectionStore, options: RebuildOptions): Promise<bigint> {
  const { to, onProgress, offThreadFrom, ...runnerOptions } = options;
  const folder = workerFolder(store.database, store, { ...runnerOptions, minEvents: offThreadFrom });
  return new ProjectionRunner(events, store, runnerOptions).catchUp({ to, onProgress, folder });
}

import type Database from "better-sqlite3";
import { ColonyError } from "../../domain/errors.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import type { AnyProjection } from "../../projections/projection.js";
import { type Progress, ProjectionRunner, type RunnerOptions } from "../../projections/projection-runner.js";
import { workerFolder } from "./fold-in-worker.js";
import { SqliteProjectionStore } from "./sqlite-projection-store.js";

const CHECKPOINTS = "projection_checkpoints";

/** A row of the checkpoint table, as stored. */
export interface StoredCheckpoint {
  readonly name: string;
  readonly version: number;
  readonly position: bigint;
}

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

export type ProjectionState = "up to date" | "behind" | "needs rebuild" | "never built" | "not in this colonylog";

export interface ProjectionReport {
  readonly name: string;
  /** The version of the code; null for a stored projection this colonylog does not define. */
  readonly version: number | null;
  /** The version its read model was built by; null when it was never built here. */
  readonly storedVersion: number | null;
  readonly checkpoint: bigint;
  /** head - checkpoint: events it has yet to fold in. */
  readonly lag: bigint;
  /** Its stored version differs from the code's: the next start rebuilds it from scratch. */
  readonly needsRebuild: boolean;
  readonly state: ProjectionState;
}

/** Where each projection stands against the log's head; reads only. */
export function projectionReports(
  db: Database.Database,
  projections: readonly AnyProjection[],
  head: bigint,
): ProjectionReport[] {
  const stored = readStoredCheckpoints(db);
  const reports: ProjectionReport[] = projections.map((p) => {
    const row = stored.get(p.name);
    const checkpoint = row?.position ?? 0n;
    const needsRebuild = row !== undefined && row.version !== p.version;
    const state: ProjectionState =
      row === undefined ? "never built" : needsRebuild ? "needs rebuild" : checkpoint < head ? "behind" : "up to date";
    return {
      name: p.name,
      version: p.version,
      storedVersion: row?.version ?? null,
      checkpoint,
      lag: head - checkpoint,
      needsRebuild,
      state,
    };
  });
  for (const row of stored.values()) {
    if (projections.some((p) => p.name === row.name)) continue;
    reports.push({
      name: row.name,
      version: null,
      storedVersion: row.version,
      checkpoint: row.position,
      lag: head - row.position,
      needsRebuild: false,
      state: "not in this colonylog",
    });
  }
  return reports;
}

export class UnknownProjectionError extends ColonyError<"unknown_projection"> {
  constructor(names: readonly string[], known: readonly string[]) {
    super(
      "unknown_projection",
      `unknown projection${names.length > 1 ? "s" : ""} ${names.join(", ")} (known: ${known.join(", ")})`,
      { names, known },
    );
  }
}

/** The projections named (in the order given, without repeats), or all of them when none is. */
export function chooseProjections(all: readonly AnyProjection[], names: readonly string[]): readonly AnyProjection[] {
  if (names.length === 0) return all;
  const unknown = names.filter((name) => !all.some((p) => p.name === name));
  if (unknown.length > 0)
    throw new UnknownProjectionError(
      unknown,
      all.map((p) => p.name),
    );
  return [...new Set(names)].map((name) => all.find((p) => p.name === name) as AnyProjection);
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

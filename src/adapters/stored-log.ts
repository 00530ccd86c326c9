import type { Kysely } from "kysely";
import type { EventStore } from "../domain/ports/event-store.js";
import type { AnyProjection } from "../projections/projection.js";
import type { StoredCheckpoint } from "../projections/projection-reports.js";
import type { Progress, RunnerOptions } from "../projections/projection-runner.js";
import type { ReadModels } from "../projections/read-models.js";
import type { TableHash } from "./read-model-hash.js";

export interface FoldOptions extends RunnerOptions {
  /** Last position to fold in (default, and at most: the head when the fold starts). */
  readonly to?: bigint;
  readonly onProgress?: (progress: Progress) => void;
}

/**
 * A log and the read models stored beside it, as the verbs that read or maintain them take it
 * (projections status and rebuild, inspect, diff), whichever engine holds them. Unlike a
 * ColonyDatabase, opening one prepares no projection store: looking never builds, upgrades or
 * rebuilds a read model; only `catchUp` and `rebuild` write.
 */
export interface StoredLog {
  readonly events: EventStore;
  /** The read models as they are stored, current or not (the checkpoints tell). */
  readonly readModels: Kysely<ReadModels>;
  /** The checkpoint table as it is, read only; empty when no projection was ever built here. */
  checkpoints(): Promise<ReadonlyMap<string, StoredCheckpoint>>;
  /** Events in (after, through]: positions are not dense on every engine, so a count is counted. */
  countEvents(after: bigint, through: bigint): Promise<number>;
  /** Folds what the projections have not seen yet, up to `to`; nothing is dropped. Returns the position reached. */
  catchUp(projections: readonly AnyProjection[], options?: FoldOptions): Promise<bigint>;
  /**
   * Drops the projections' read models and folds the log into them again up to `to`, each batch
   * committed with its checkpoint (a stopped rebuild resumes after the last one). Returns the
   * position reached.
   */
  rebuild(projections: readonly AnyProjection[], options?: FoldOptions): Promise<bigint>;
  /** Content hashes of the projections' tables, in their declared order (read-model-hash.ts). */
  hashTables(projections: readonly AnyProjection[]): Promise<TableHash[]>;
  close(): Promise<void>;
}

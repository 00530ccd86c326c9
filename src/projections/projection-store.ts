import type { RecordedEvent } from "../domain/envelope.js";

/** The positions a batch accounts for: all of (after, through]. */
export interface BatchRange {
  readonly after: bigint;
  readonly through: bigint;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  /** Position of the last event folded in; 0n before the first. */
  readonly checkpoint: bigint;
}

/**
 * Where projections keep their read models and checkpoints (DESIGN §5). `apply` writes the
 * read-model changes of a batch and every projection's checkpoint in one transaction, so after
 * a crash each projection resumes exactly after the last event it folded in.
 */
export interface ProjectionStore {
  /** Creates missing tables; a projection whose version changed is dropped and starts over. */
  prepare(): Promise<ProjectionStatus[]>;
  status(): Promise<ProjectionStatus[]>;
  /**
   * Folds a batch that covers every position in `range` (after, through], in position order, and
   * moves checkpoints to `through` (events a projection does not handle still move it on).
   * Events at or below a projection's checkpoint are skipped, so a batch applied twice changes
   * nothing; a projection whose checkpoint is below `after` (reset by a rebuild meanwhile) would
   * get a gap, so it is left untouched for the reader to catch up.
   */
  apply(events: readonly RecordedEvent[], range: BatchRange): Promise<void>;
  /** Drops and recreates the named projections' tables, checkpoints back to 0. */
  reset(names: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

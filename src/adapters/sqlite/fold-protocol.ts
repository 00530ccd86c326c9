import type { PreparedBatch } from "./prepared-batch.js";

/**
 * What the two threads of a fold (fold-in-worker.ts, fold-worker.ts) say to each other. The
 * worker may run `credit` batches ahead of the thread applying them, and no further, so memory
 * stays bounded however long the log.
 */
export interface FoldWorkerData {
  readonly file: string;
  /** Projections by name, in the order of the store that applies the batches. */
  readonly projections: readonly string[];
  /** Batches cover (after, through]; the first starts after this position. */
  readonly after: bigint;
  readonly to: bigint;
  readonly batchSize: number;
  readonly credit: number;
}

/** Worker to main thread. */
export type FoldWorkerMessage =
  | { readonly kind: "batch"; readonly batch: PreparedBatch }
  | { readonly kind: "warn"; readonly message: string }
  | { readonly kind: "done" };

/** Main thread to worker: one more batch may be sent. */
export const CREDIT = "credit";

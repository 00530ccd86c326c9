import { CommandRefusedError } from "../../domain/deciders/refusal.js";
import { CommandRetriesExhaustedError } from "../command-handler.js";
import { type LedgerContext, runTaskCommand } from "./ledger-context.js";
import { staleClaimIds } from "./ledger-reads.js";

export const RECLAIMER_ACTOR = "reclaimer";

export interface ReclaimOptions {
  /** A claim held this long or longer is stale. */
  readonly staleAfterMs: number;
  /** Only this colony's tasks (the original reclaimed one colony's database at a time). */
  readonly colonyId?: string;
}

export interface ReclaimResult {
  /** Back to pending, their retry count one higher. */
  readonly released: readonly string[];
  /** Stale once more than max_retries allows: failed. */
  readonly failed: readonly string[];
}

/**
 * One pass of the original's stale-claim reclaim: claims older than `staleAfterMs` go back to
 * pending with `retry_count + 1`, or fail once the count has reached `max_retries`. The ledger
 * names the candidates; the task decider judges each one against its claim's own time, so a
 * task completed or claimed afresh since the ledger was read is left alone (refused, skipped).
 */
export async function reclaimStale(context: LedgerContext, options: ReclaimOptions): Promise<ReclaimResult> {
  const now = context.clock.now();
  const staleAfterMs = options.staleAfterMs;
  if (!Number.isSafeInteger(staleAfterMs) || staleAfterMs < 0) {
    throw new RangeError(`staleAfterMs must be a whole number of milliseconds >= 0, got ${staleAfterMs}`);
  }
  const claimedBefore = new Date(now.getTime() - staleAfterMs).toISOString();
  const released: string[] = [];
  const failed: string[] = [];
  for (const taskId of await staleClaimIds(context.ledger, claimedBefore, options.colonyId)) {
    try {
      const task = await runTaskCommand(
        context,
        taskId,
        { type: "ReclaimStaleTask", now: now.toISOString(), staleAfterMs },
        RECLAIMER_ACTOR,
      );
      (task.status === "failed" ? failed : released).push(taskId);
    } catch (error) {
      // The holder finished, released or re-claimed it meanwhile, or kept writing to it through
      // every retry: nothing stale is left to reclaim, and the next pass looks again.
      if (error instanceof CommandRefusedError || error instanceof CommandRetriesExhaustedError) continue;
      throw error;
    }
  }
  return { released, failed };
}

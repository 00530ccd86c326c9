import { CommandRefusedError } from "../../domain/deciders/refusal.js";
import { ColonyError } from "../../domain/errors.js";

/** startStep once the pool is stopping: the handler ends, and its task goes back to the queue. */
export class WorkerStoppingError extends ColonyError<"worker_stopping"> {
  constructor(taskId: string, stepSeq: number) {
    super(
      "worker_stopping",
      `the worker pool is stopping: step ${stepSeq} of task ${taskId} was not started (the task will be released)`,
      { taskId, stepSeq },
    );
  }
}

/** A ledger call made after the handler returned: its outcome is being recorded already. */
export class HandlerFinishedError extends ColonyError<"handler_finished"> {
  constructor(taskId: string, call: string) {
    super("handler_finished", `${call} on task ${taskId} after its handler returned`, { taskId, call });
  }
}

/**
 * Refusals that mean this claim is no longer the task's: the reclaimer judged it stale and gave
 * the task back (then another holder may finish it). Nothing this claim does can be recorded.
 */
const LOST_CLAIM = new Set(["claim_token_mismatch", "task_not_claimed", "task_finished"]);

export function isLostClaim(error: unknown): error is CommandRefusedError {
  return error instanceof CommandRefusedError && LOST_CLAIM.has(error.code);
}

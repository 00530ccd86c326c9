import { CommandRefusedError } from "../../domain/deciders/refusal.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import { errorMessage } from "../colony/worker-report.js";
import type { ClaimedTask, TaskLedger } from "../ledger/task-ledger.js";
import { type ClaimLedger, ClaimTools } from "./claim-tools.js";
import { isLostClaim } from "./errors.js";
import { checkHandlerReport } from "./handler-report.js";
import { handlerTask } from "./handler-task.js";
import type { TaskHandler } from "./task-handler.js";

/** The ledger commands a slot sends for one claimed task. */
export type RunLedger = ClaimLedger & Pick<TaskLedger, "complete" | "fail" | "release">;

/** How one claimed task ended for this pool. */
export type TaskOutcome =
  /** TaskCompleted, with the report's summary and data as its result. */
  | { readonly kind: "done"; readonly taskId: string; readonly workerId: string; readonly summary: string }
  /** TaskFailed: a failed report, a throw, a bad report, or success with required SOP items open. */
  | { readonly kind: "failed"; readonly taskId: string; readonly workerId: string; readonly error: string }
  /** TaskReleased: the pool stopped before the task was done; its completed steps stay recorded. */
  | { readonly kind: "released"; readonly taskId: string; readonly workerId: string; readonly reason: string }
  /** Nothing written: the claim had been taken away (reclaimed as stale) before the outcome. */
  | { readonly kind: "lost"; readonly taskId: string; readonly workerId: string; readonly reason: string };

export interface RunTaskDeps {
  readonly ledger: RunLedger;
  readonly events: Pick<EventStore, "readStream">;
  readonly handler: TaskHandler;
  /** Aborted when the pool stops. */
  readonly stopping: AbortSignal;
}

type Settled = { threw: false; value: unknown } | { threw: true; error: unknown };

/**
 * Runs the handler on one claimed task and writes how it ended. Exactly one of TaskCompleted,
 * TaskFailed, TaskReleased is appended, or none when the claim was lost. Only failures of the
 * log itself (the database gone, a full disk) are thrown: the slot cannot go on without it.
 */
export async function runClaimedTask(deps: RunTaskDeps, claimed: ClaimedTask): Promise<TaskOutcome> {
  const { ledger, stopping } = deps;
  const ids = { taskId: claimed.taskId, workerId: claimed.workerId };
  if (stopping.aborted) return release(ledger, claimed, "the pool stopped before its handler ran");

  const task = await handlerTask(deps.events, claimed);
  const tools = new ClaimTools(ledger, claimed, stopping);
  const settled = await settle(async () => deps.handler(task, tools));
  await tools.finish();
  if (tools.lost !== undefined) return { kind: "lost", ...ids, reason: tools.lost };

  const checked = settled.threw ? undefined : checkHandlerReport(settled.value);
  const succeeded = checked?.ok === true && checked.report.status === "success";
  // Stopping, anything short of a success goes back to the queue rather than failing for good:
  // the error is most likely the refused step or the abort itself.
  if (stopping.aborted && !succeeded) return release(ledger, claimed, "the pool stopped");
  const outcome = async (): Promise<TaskOutcome> => {
    if (settled.threw) return fail(ledger, claimed, `handler threw: ${errorMessage(settled.error)}`);
    if (checked === undefined || !checked.ok) return fail(ledger, claimed, checked?.reason ?? "no report");
    const { report } = checked;
    if (report.status === "failed") return fail(ledger, claimed, report.summary);
    try {
      await ledger.complete(claimed, { summary: report.summary, data: report.data });
      return { kind: "done", ...ids, summary: report.summary };
    } catch (error) {
      if (error instanceof CommandRefusedError && error.code === "sop_items_open") {
        return fail(ledger, claimed, `the handler reported success but ${error.message}`);
      }
      throw error;
    }
  };
  try {
    return await outcome();
  } catch (error) {
    if (isLostClaim(error)) return { kind: "lost", ...ids, reason: error.message };
    throw error;
  }
}

async function settle(work: () => Promise<unknown>): Promise<Settled> {
  try {
    return { threw: false, value: await work() };
  } catch (error) {
    return { threw: true, error };
  }
}

async function fail(ledger: RunLedger, claimed: ClaimedTask, error: string): Promise<TaskOutcome> {
  await ledger.fail(claimed, error);
  return { kind: "failed", taskId: claimed.taskId, workerId: claimed.workerId, error };
}

async function release(ledger: RunLedger, claimed: ClaimedTask, reason: string): Promise<TaskOutcome> {
  try {
    await ledger.release(claimed);
  } catch (error) {
    if (isLostClaim(error))
      return { kind: "lost", taskId: claimed.taskId, workerId: claimed.workerId, reason: error.message };
    throw error;
  }
  return { kind: "released", taskId: claimed.taskId, workerId: claimed.workerId, reason };
}

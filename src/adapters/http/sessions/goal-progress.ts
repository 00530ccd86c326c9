import { z } from "zod";
import { Id } from "../../../domain/events/fields.js";
import type { LedgerTaskStatus } from "../../../projections/ledger/ledger-projection.js";
import { colonyTasks } from "../../../runtime/ledger/ledger-reads.js";
import type { ColonyHost } from "../colony-host.js";

const STATUSES = ["pending", "claimed", "in_progress", "done", "failed"] as const satisfies readonly LedgerTaskStatus[];

const Counts = z.strictObject({
  pending: z.number().int(),
  claimed: z.number().int(),
  in_progress: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
});

export const GoalProgress = z.strictObject({
  session_id: Id,
  colony_id: Id,
  colony_name: z.string().nullable(),
  total: z.number().int(),
  counts: Counts,
  /** Done tasks over all tasks (0 with none). */
  progress: z.number(),
  /** Every task done or failed. */
  finished: z.boolean(),
  tasks: z.array(
    z.strictObject({
      task_id: Id,
      seq: z.number().int().nullable(),
      goal: z.string(),
      status: z.enum(STATUSES),
      worker_id: z.string().nullable(),
      retry_count: z.number().int(),
      last_error: z.string().nullable(),
      steps: z.strictObject({ total: z.number().int(), done: z.number().int() }),
      /** Required SOP items still open: what keeps the task from completing. */
      sop: z.strictObject({ total: z.number().int(), done: z.number().int(), open_required: z.array(z.string()) }),
    }),
  ),
});
export type GoalProgress = z.input<typeof GoalProgress>;

/** The colony's progress as its ledger has it: counts by status, and each task's steps and SOP items. */
export async function goalProgress(host: ColonyHost, sessionId: string, colonyId: string): Promise<GoalProgress> {
  const [tasks, colony] = await Promise.all([
    colonyTasks(host.readModels, colonyId),
    host.readModels.selectFrom("colonies").select("name").where("id", "=", colonyId).executeTakeFirst(),
  ]);
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<LedgerTaskStatus, number>;
  for (const task of tasks) counts[task.status]++;
  return {
    session_id: sessionId,
    colony_id: colonyId,
    colony_name: (colony?.name as string | undefined) ?? null,
    total: tasks.length,
    counts,
    progress: tasks.length === 0 ? 0 : counts.done / tasks.length,
    finished: counts.done + counts.failed === tasks.length,
    tasks: tasks.map((task) => ({
      task_id: task.id,
      seq: task.seq,
      goal: task.goal,
      status: task.status,
      worker_id: task.workerId,
      retry_count: task.retryCount,
      last_error: task.lastError,
      steps: { total: task.steps.length, done: task.steps.filter((s) => s.status === "done").length },
      sop: {
        total: task.sopItems.length,
        done: task.sopItems.filter((i) => i.doneAt !== null).length,
        open_required: task.sopItems.filter((i) => i.required && i.doneAt === null).map((i) => i.key),
      },
    })),
  };
}

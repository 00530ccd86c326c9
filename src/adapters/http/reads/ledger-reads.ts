import type { Kysely } from "kysely";
import { z } from "zod";
import type { LedgerTaskStatus } from "../../../projections/ledger/ledger-projection.js";
import type { ReadModels } from "../../../projections/read-models.js";
import { colonyLedgerRows } from "../../../runtime/ledger/ledger-reads.js";
import { requireColony } from "./colony-reads.js";

export const TASK_STATUSES = [
  "pending",
  "claimed",
  "in_progress",
  "done",
  "failed",
] as const satisfies readonly LedgerTaskStatus[];

/** A step row, with the original ledger's columns. */
const StepBody = z.strictObject({
  id: z.string(),
  task_id: z.string(),
  seq: z.number().int(),
  title: z.string(),
  detail: z.string().nullable(),
  status: z.enum(["pending", "in_progress", "done"]),
  evidence: z.string().nullable(),
  worker_id: z.string().nullable(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
});

/** An `sop_checklist` row, with the original ledger's columns; `required` (0 or 1 there) as a boolean. */
const SopItemBody = z.strictObject({
  id: z.string(),
  task_id: z.string(),
  key: z.string(),
  description: z.string(),
  required: z.boolean(),
  done_at: z.string().nullable(),
  done_by: z.string().nullable(),
  note: z.string().nullable(),
});

/**
 * A `tasks` row with the original ledger's columns, its steps and its SOP items. The claim token
 * is left out: it is the holder's proof of its claim, not something to show.
 */
export const TaskBody = z.strictObject({
  id: z.string(),
  seq: z.number().int().nullable(),
  priority: z.number().int(),
  goal: z.string(),
  /** As the ledger stores it: JSON text, or the seeder's own string. */
  payload: z.string().nullable(),
  status: z.enum(TASK_STATUSES),
  worker_id: z.string().nullable(),
  claimed_at: z.string().nullable(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  retry_count: z.number().int(),
  max_retries: z.number().int(),
  last_error: z.string().nullable(),
  parent_task_id: z.string().nullable(),
  source: z.string().nullable(),
  colony_id: z.string(),
  steps: z.array(StepBody),
  sop_items: z.array(SopItemBody),
});
export type TaskBody = z.infer<typeof TaskBody>;

/**
 * A colony's ledger in claim order, each task with its steps by seq and its SOP items in checklist
 * order, with the original ledger's columns (the claim token left out). Unknown colony:
 * ColonyNotFoundError.
 */
export async function colonyTasks(
  db: Kysely<ReadModels>,
  colonyId: string,
  status?: LedgerTaskStatus,
): Promise<TaskBody[]> {
  await requireColony(db, colonyId);
  return (await colonyLedgerRows(db, colonyId, status)).map(({ task, steps, sopItems }) => {
    const { claim_token: _proof, ...columns } = task;
    return {
      ...columns,
      steps: [...steps],
      // seq is the checklist order the rows come in, not one of the original's columns.
      sop_items: sopItems.map(({ seq: _order, ...item }) => ({ ...item, required: item.required === 1 })),
    };
  });
}

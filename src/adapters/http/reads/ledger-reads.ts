import { type Kysely, sql } from "kysely";
import { z } from "zod";
import type { LedgerTaskStatus } from "../../../projections/ledger/ledger-projection.js";
import type { ReadModels } from "../../../projections/read-models.js";
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

const TASK_COLUMNS = [
  "id",
  "seq",
  "priority",
  "goal",
  "payload",
  "status",
  "worker_id",
  "claimed_at",
  "started_at",
  "completed_at",
  "created_at",
  "updated_at",
  "retry_count",
  "max_retries",
  "last_error",
  "parent_task_id",
  "source",
  "colony_id",
] as const;

/**
 * A colony's ledger in claim order (`priority DESC, seq, created_at`, the original's ORDER BY),
 * each task with its steps by seq and its SOP items in checklist order: three indexed reads.
 * Unknown colony: ColonyNotFoundError.
 */
export async function colonyTasks(
  db: Kysely<ReadModels>,
  colonyId: string,
  status?: LedgerTaskStatus,
): Promise<TaskBody[]> {
  await requireColony(db, colonyId);
  let tasks = db.selectFrom("tasks").select(TASK_COLUMNS).where("colony_id", "=", colonyId);
  if (status !== undefined) tasks = tasks.where("status", "=", status);
  const ofColony = db.selectFrom("tasks").select("id").where("colony_id", "=", colonyId);
  const [rows, steps, sopItems] = await Promise.all([
    tasks.orderBy("priority", "desc").orderBy("seq").orderBy("created_at").execute(),
    db.selectFrom("steps").selectAll().where("task_id", "in", ofColony).orderBy("task_id").orderBy("seq").execute(),
    db.selectFrom("sop_checklist").selectAll().where("task_id", "in", ofColony).orderBy(sql`rowid`).execute(),
  ]);
  const stepsOf = groupBy(steps, (s) => s.task_id);
  const sopOf = groupBy(
    sopItems.map((item) => ({ ...item, required: item.required === 1 })),
    (i) => i.task_id,
  );
  return rows.map((row) => ({ ...row, steps: stepsOf.get(row.id) ?? [], sop_items: sopOf.get(row.id) ?? [] }));
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

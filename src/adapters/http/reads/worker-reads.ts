import type { Kysely } from "kysely";
import { z } from "zod";
import type { ReadModels } from "../../../projections/read-models.js";
import type { WorkerStatus, WorkersTable } from "../../../projections/workers/workers-projection.js";
import { requireColony } from "./colony-reads.js";
import { WorkerNotFoundError } from "./errors.js";

export const WORKER_STATUSES = [
  "spawned",
  "queued",
  "running",
  "reported",
  "stopped",
  "failed",
] as const satisfies readonly WorkerStatus[];

/** A worker-state row (DESIGN §5) with its columns' names; the report's data parsed from its JSON text. */
export const WorkerBody = z.strictObject({
  id: z.string(),
  colony_id: z.string(),
  parent_session_id: z.string().nullable(),
  conversation_id: z.string(),
  task: z.string(),
  status: z.enum(WORKER_STATUSES),
  persistent: z.boolean(),
  batch_id: z.string().nullable(),
  batch_index: z.number().int().nullable(),
  attempt: z.number().int(),
  spawned_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  last_activity_at: z.string(),
  last_error: z.string().nullable(),
  report_status: z.string().nullable(),
  report_summary: z.string().nullable(),
  report_data: z.unknown(),
  report_error: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
  input_tokens: z.number().int().nullable(),
  output_tokens: z.number().int().nullable(),
});
export type WorkerBody = z.infer<typeof WorkerBody>;

function workerBody(row: WorkersTable): WorkerBody {
  return {
    ...row,
    persistent: row.persistent === 1,
    report_data: row.report_data === null ? null : (JSON.parse(row.report_data) as unknown),
  };
}

/** A colony's workers in spawn order, optionally of one status. Unknown colony: ColonyNotFoundError. */
export async function colonyWorkers(
  db: Kysely<ReadModels>,
  colonyId: string,
  status?: WorkerStatus,
): Promise<WorkerBody[]> {
  await requireColony(db, colonyId);
  let query = db.selectFrom("workers").selectAll().where("colony_id", "=", colonyId);
  if (status !== undefined) query = query.where("status", "=", status);
  const rows = await query.orderBy("spawned_at").orderBy("id").execute();
  return rows.map(workerBody);
}

export async function worker(db: Kysely<ReadModels>, workerId: string): Promise<WorkerBody> {
  const row = await db.selectFrom("workers").selectAll().where("id", "=", workerId).executeTakeFirst();
  if (!row) throw new WorkerNotFoundError(workerId);
  return workerBody(row);
}

import { z } from "zod";
import { NonNegativeInt } from "../../../domain/events/fields.js";
import type { WorkerStatus } from "../../../projections/workers/workers-projection.js";
import { ApiError } from "../api-error.js";
import type { ColonyHost } from "../colony-host.js";
import type { ColonyWork } from "./colony-work.js";

export interface WorkerRow {
  readonly id: string;
  readonly colony_id: string;
  readonly conversation_id: string;
  readonly task: string;
  readonly status: WorkerStatus;
}

/**
 * A worker reference by its name here (`worker_id`) or the original's (`node_id`, `execution_id`,
 * `session_id`), so an old client keeps working; one of them is required, and two must agree.
 */
export function workerReference(alias: "node_id" | "execution_id" | "session_id") {
  return (body: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const [mine, theirs] = [body.worker_id, body[alias]];
    if (mine === undefined && theirs === undefined) {
      ctx.addIssue({ code: "custom", path: ["worker_id"], message: `worker_id (or ${alias}) is required` });
    } else if (mine !== undefined && theirs !== undefined && mine !== theirs) {
      ctx.addIssue({ code: "custom", path: [alias], message: `names another worker than worker_id` });
    }
  };
}

/** The id a body names, once workerReference has checked that it names one. */
export const workerIdOf = (...ids: (string | undefined)[]): string => ids.find((id) => id !== undefined) as string;

/** A version of the worker's conversation, or the label of a checkpoint marked in it. */
export const CheckpointId = z.union([NonNegativeInt, z.string().min(1)]);

export async function requireWorker(host: ColonyHost, colonyId: string, workerId: string): Promise<WorkerRow> {
  const row = await host.readModels
    .selectFrom("workers")
    .select(["id", "colony_id", "conversation_id", "task", "status"])
    .where("id", "=", workerId)
    .executeTakeFirst();
  if (!row || row.colony_id !== colonyId) {
    throw new ApiError(404, "unknown_worker", `colony ${colonyId} has no worker ${workerId}`, {
      worker_id: workerId,
      colony_id: colonyId,
    });
  }
  return row as WorkerRow;
}

export const workerNotRunning = (worker: WorkerRow) =>
  new ApiError(409, "worker_not_running", `worker ${worker.id} is not running here (${worker.status})`, {
    worker_id: worker.id,
    status: worker.status,
  });

const checkpointNotFound = (worker: WorkerRow, checkpoint: number | string | null, why: string) =>
  new ApiError(404, "checkpoint_not_found", `worker ${worker.id}: ${why}`, {
    worker_id: worker.id,
    conversation_id: worker.conversation_id,
    checkpoint_id: checkpoint,
  });

/** The version a checkpoint names: a version as such, or a marked checkpoint's (the latest of that label). */
export async function checkpointVersion(host: ColonyHost, worker: WorkerRow, checkpoint: number | string) {
  if (typeof checkpoint === "number" || /^[0-9]+$/.test(checkpoint)) {
    const version = Number(checkpoint);
    const head = (await host.conversations.head(worker.conversation_id)).version;
    if (version > head) throw checkpointNotFound(worker, checkpoint, `its conversation has versions 0 to ${head}`);
    return version;
  }
  const marked = await host.readModels
    .selectFrom("conversation_checkpoints")
    .select("marked_version")
    .where("conversation_id", "=", worker.conversation_id)
    .where("label", "=", checkpoint)
    .orderBy("version", "desc")
    .executeTakeFirst();
  if (!marked) throw checkpointNotFound(worker, checkpoint, `no checkpoint labelled ${checkpoint} in its conversation`);
  return Number(marked.marked_version);
}

/** The last checkpoint marked in the worker's conversation: what a resume without one starts from. */
export async function latestCheckpoint(host: ColonyHost, worker: WorkerRow): Promise<number> {
  const marked = await host.readModels
    .selectFrom("conversation_checkpoints")
    .select("marked_version")
    .where("conversation_id", "=", worker.conversation_id)
    .orderBy("version", "desc")
    .executeTakeFirst();
  if (!marked) throw checkpointNotFound(worker, null, "its conversation has no checkpoint: name a version");
  return Number(marked.marked_version);
}

/**
 * The worker's work taken up again from a checkpoint, on the model: a new worker on a fork of its
 * conversation at that version (nothing copied), started in the background. Returns its id.
 */
export async function resumeWorker(
  host: ColonyHost,
  work: ColonyWork,
  sessionId: string,
  worker: WorkerRow,
  version: number,
): Promise<string> {
  const workerId = host.ids.uuid();
  const conversationId = host.ids.uuid();
  await host.conversations.forkAt(
    conversationId,
    worker.conversation_id,
    { kind: "worker", id: workerId },
    `resume of ${worker.id} from version ${version}`,
    version,
  );
  const runtime = await host.runtime(worker.colony_id);
  return runtime.spawn({
    workerId,
    task: worker.task,
    brain: work.brain(worker.colony_id),
    conversationId,
    input: { task: worker.task, resumed_from: worker.id, from_version: version },
    parentSessionId: sessionId,
  });
}

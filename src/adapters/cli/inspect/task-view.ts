import type { Kysely } from "kysely";
import type { RecordedEvent } from "../../../domain/envelope.js";
import type { ReadModels } from "../../../projections/read-models.js";
import {
  type LedgerSopItemView,
  type LedgerStepView,
  sopItemView,
  stepView,
} from "../../../runtime/ledger/ledger-reads.js";
import { fields, orDash, table } from "./text.js";

/** A task as `colony inspect task` shows it: its ledger row, steps and SOP items (claims come from its stream). */
export interface TaskView {
  readonly task: {
    readonly id: string;
    readonly colonyId: string;
    readonly seq: number | null;
    readonly priority: number;
    readonly goal: string;
    /** As the ledger stores it: JSON text, or the seeder's own string. */
    readonly payload: string | null;
    readonly status: string;
    readonly workerId: string | null;
    readonly retryCount: number;
    readonly maxRetries: number;
    readonly lastError: string | null;
    readonly parentTaskId: string | null;
    readonly source: string | null;
    readonly createdAt: string;
    readonly claimedAt: string | null;
    readonly startedAt: string | null;
    readonly completedAt: string | null;
    readonly updatedAt: string;
  };
  readonly steps: readonly LedgerStepView[];
  readonly sopItems: readonly LedgerSopItemView[];
}

/**
 * One claim of the task and how it ended, from the task's stream: the ledger keeps only the
 * current holder, the log keeps every claim (a stale one released and claimed again shows twice).
 */
export interface Claim {
  readonly workerId: string;
  readonly version: number;
  readonly claimedAt: string;
  /** completed / failed / released (stale, worker_stopped) / held. */
  readonly outcome: string;
  readonly endedAt: string | null;
}

export const TASK_PROJECTIONS = ["progress_ledger"] as const;

export async function loadTask(db: Kysely<ReadModels>, taskId: string): Promise<TaskView | undefined> {
  const row = await db.selectFrom("tasks").selectAll().where("id", "=", taskId).executeTakeFirst();
  if (!row) return undefined;
  const [steps, sopItems] = await Promise.all([
    db.selectFrom("steps").selectAll().where("task_id", "=", taskId).orderBy("seq").execute(),
    // The seeded checklist order (colonyTasks reads them the same way).
    db.selectFrom("sop_checklist").selectAll().where("task_id", "=", taskId).orderBy("seq").execute(),
  ]);
  return {
    task: {
      id: row.id,
      colonyId: row.colony_id,
      seq: row.seq,
      priority: row.priority,
      goal: row.goal,
      payload: row.payload,
      status: row.status,
      workerId: row.worker_id,
      retryCount: row.retry_count,
      maxRetries: row.max_retries,
      lastError: row.last_error,
      parentTaskId: row.parent_task_id,
      source: row.source,
      createdAt: row.created_at,
      claimedAt: row.claimed_at,
      startedAt: row.started_at,
      completedAt: row.completed_at,
      updatedAt: row.updated_at,
    },
    steps: steps.map(stepView),
    sopItems: sopItems.map(sopItemView),
  };
}

const ENDINGS: Record<string, (data: Record<string, unknown>) => string> = {
  TaskCompleted: () => "completed",
  TaskFailed: (d) => `failed (${String(d.reason)})`,
  TaskReleased: (d) => `released (${String(d.reason)})`,
};

export function claimsOf(history: readonly RecordedEvent[]): Claim[] {
  const claims: Claim[] = [];
  let open: { workerId: string; version: number; claimedAt: string } | undefined;
  for (const event of history) {
    const data = event.data as Record<string, unknown>;
    if (event.type === "TaskClaimed") {
      open = { workerId: String(data.workerId), version: Number(event.version), claimedAt: event.metadata.recordedAt };
      continue;
    }
    const ending = ENDINGS[event.type];
    if (ending && open) {
      claims.push({ ...open, outcome: ending(data), endedAt: event.metadata.recordedAt });
      open = undefined;
    }
  }
  if (open) claims.push({ ...open, outcome: "held", endedAt: null });
  return claims;
}

export function formatTask(view: TaskView, claims: readonly Claim[], where: string, width: number): string[] {
  const t = view.task;
  const lines = [
    `task ${t.id} ${where}`,
    ...fields(
      [
        ["goal", t.goal],
        ["colony", t.colonyId],
        ["status", `${t.status}${t.workerId === null ? "" : ` (worker ${t.workerId})`}`],
        ["seq, priority", `${orDash(t.seq)}, ${t.priority}`],
        ["payload", orDash(t.payload)],
        ["retries", `${t.retryCount}/${t.maxRetries}`],
        ...(t.lastError === null ? [] : [["last error", t.lastError] as const]),
        ["parent task", orDash(t.parentTaskId)],
        ["source", orDash(t.source)],
        ["created", t.createdAt],
        ["claimed", orDash(t.claimedAt)],
        ["started", orDash(t.startedAt)],
        ["completed", orDash(t.completedAt)],
      ],
      width,
    ),
    `claims (${claims.length}):`,
  ];
  if (claims.length > 0) {
    lines.push(
      ...table(
        // When each ended is in the history below (and in --json): ids and times leave no room.
        ["V", "WORKER", "CLAIMED AT", "OUTCOME"],
        claims.map((c) => [String(c.version), c.workerId, c.claimedAt, c.outcome]),
        { right: [0], width },
      ),
    );
  }
  const done = view.steps.filter((s) => s.status === "done").length;
  lines.push(`steps (${done}/${view.steps.length} done):`);
  for (const s of view.steps) {
    lines.push(
      ...fields(
        [
          [`${s.seq}`, `${s.status}  ${s.title}${s.detail === null ? "" : ` (${s.detail})`}`],
          ["", `evidence: ${orDash(s.evidence)}`],
          ...(s.startedAt === null
            ? []
            : [
                ["", `by ${orDash(s.workerId)}`] as const,
                ["", `started ${s.startedAt}, completed ${orDash(s.completedAt)}`] as const,
              ]),
        ],
        width,
        "    ",
      ),
    );
  }
  const checked = view.sopItems.filter((i) => i.doneAt !== null).length;
  lines.push(`SOP items (${checked}/${view.sopItems.length} checked):`);
  for (const i of view.sopItems) {
    lines.push(
      ...fields(
        [
          [i.doneAt === null ? "[ ]" : "[x]", `${i.key}${i.required ? ", required" : ""}: ${i.description}`],
          ["", i.doneAt === null ? "open" : `checked by ${orDash(i.doneBy)} at ${i.doneAt}`],
          ...(i.note === null ? [] : [["", `note: ${i.note}`] as const]),
        ],
        width,
        "    ",
      ),
    );
  }
  return lines;
}

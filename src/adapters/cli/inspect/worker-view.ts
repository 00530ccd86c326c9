import type { Kysely } from "kysely";
import type { ReadModels } from "../../../projections/read-models.js";
import type { WorkersTable } from "../../../projections/workers/workers-projection.js";
import { fields, orDash, plural, table } from "./text.js";

/** A worker as `colony inspect worker` shows it: its row, and the ledger's tasks it holds or did. */
export interface WorkerView {
  readonly worker: {
    readonly id: string;
    readonly colonyId: string;
    readonly status: string;
    readonly attempt: number;
    readonly task: string;
    readonly conversationId: string;
    readonly parentSessionId: string | null;
    readonly persistent: boolean;
    readonly batchId: string | null;
    readonly batchIndex: number | null;
    readonly spawnedAt: string;
    readonly startedAt: string | null;
    readonly finishedAt: string | null;
    readonly lastActivityAt: string;
    readonly lastError: string | null;
  };
  readonly report: {
    readonly status: string;
    readonly summary: string | null;
    readonly data: unknown;
    readonly error: string | null;
    readonly durationMs: number | null;
    readonly inputTokens: number | null;
    readonly outputTokens: number | null;
  } | null;
  /** Ledger tasks whose worker is this one (claimed now, or completed by it), in claim order. */
  readonly tasks: readonly { readonly id: string; readonly status: string; readonly goal: string }[];
}

/** A worker in a list: enough to pick one to inspect. */
export interface WorkerRow {
  readonly id: string;
  readonly status: string;
  readonly attempt: number;
  /** Ledger tasks with this worker (claimed or done by it). */
  readonly tasks: number;
  readonly reportStatus: string | null;
  readonly reportSummary: string | null;
}

/** The projections whose tables the worker view reads. */
export const WORKER_PROJECTIONS = ["workers", "progress_ledger"] as const;

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function loadWorker(db: Kysely<ReadModels>, workerId: string): Promise<WorkerView | undefined> {
  const row = await db.selectFrom("workers").selectAll().where("id", "=", workerId).executeTakeFirst();
  if (!row) return undefined;
  const tasks = await db
    .selectFrom("tasks")
    .select(["id", "status", "goal"])
    .where("worker_id", "=", workerId)
    .orderBy("claimed_at")
    .orderBy("seq")
    .execute();
  return { worker: workerOf(row), report: reportOf(row), tasks };
}

function workerOf(row: WorkersTable): WorkerView["worker"] {
  return {
    id: row.id,
    colonyId: row.colony_id,
    status: row.status,
    attempt: row.attempt,
    task: row.task,
    conversationId: row.conversation_id,
    parentSessionId: row.parent_session_id,
    persistent: row.persistent === 1,
    batchId: row.batch_id,
    batchIndex: row.batch_index,
    spawnedAt: row.spawned_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    lastActivityAt: row.last_activity_at,
    lastError: row.last_error,
  };
}

function reportOf(row: WorkersTable): WorkerView["report"] {
  if (row.report_status === null) return null;
  return {
    status: row.report_status,
    summary: row.report_summary,
    data: parseJson(row.report_data),
    error: row.report_error,
    durationMs: row.duration_ms,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
  };
}

/** The workers of a colony or of a parent session, in spawn order, with how many tasks each holds or did. */
export async function workerRows(
  db: Kysely<ReadModels>,
  by: { readonly colonyId: string } | { readonly parentSessionId: string },
): Promise<WorkerRow[]> {
  const query = db
    .selectFrom("workers as w")
    .select((eb) => [
      "w.id",
      "w.status",
      "w.attempt",
      "w.report_status",
      "w.report_summary",
      eb
        .selectFrom("tasks as t")
        .select(eb.fn.countAll<number>().as("n"))
        .whereRef("t.worker_id", "=", "w.id")
        .as("tasks"),
    ])
    .orderBy("w.spawned_at")
    .orderBy("w.id");
  const rows = await ("colonyId" in by
    ? query.where("w.colony_id", "=", by.colonyId)
    : query.where("w.parent_session_id", "=", by.parentSessionId)
  ).execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    attempt: r.attempt,
    tasks: Number(r.tasks ?? 0),
    reportStatus: r.report_status,
    reportSummary: r.report_summary,
  }));
}

export function formatWorkerRows(title: string, rows: readonly WorkerRow[], width: number): string[] {
  const lines = [`${title} (${rows.length}):`];
  if (rows.length === 0) return lines;
  return lines.concat(
    table(
      ["ID", "STATUS", "ATTEMPT", "TASKS", "REPORT", "SUMMARY"],
      rows.map((w) => [
        w.id,
        w.status,
        String(w.attempt),
        String(w.tasks),
        orDash(w.reportStatus),
        orDash(w.reportSummary),
      ]),
      { right: [2, 3], width },
    ),
  );
}

function tokens(report: NonNullable<WorkerView["report"]>): string {
  if (report.inputTokens === null && report.outputTokens === null) return "-";
  return `${report.inputTokens ?? 0} in, ${report.outputTokens ?? 0} out`;
}

export function formatWorker(view: WorkerView, where: string, width: number): string[] {
  const w = view.worker;
  const lines = [
    `worker ${w.id} ${where}`,
    ...fields(
      [
        ["colony", w.colonyId],
        ["status", `${w.status}, attempt ${w.attempt}${w.persistent ? ", persistent" : ""}`],
        ["task", w.task],
        ["conversation", w.conversationId],
        ["parent session", orDash(w.parentSessionId)],
        ["batch", w.batchId === null ? "-" : `${w.batchId}, index ${w.batchIndex}`],
        ["spawned", w.spawnedAt],
        ["started", orDash(w.startedAt)],
        ["finished", orDash(w.finishedAt)],
        ["last activity", w.lastActivityAt],
        ...(w.lastError === null ? [] : [["last error", w.lastError] as const]),
      ],
      width,
    ),
  ];
  const r = view.report;
  if (r === null) lines.push("report: none yet");
  else {
    lines.push(`report: ${r.status}`);
    lines.push(
      ...fields(
        [
          ["summary", orDash(r.summary)],
          ["error", orDash(r.error)],
          ["duration", r.durationMs === null ? "-" : `${r.durationMs} ms`],
          ["tokens", tokens(r)],
          ["data", JSON.stringify(r.data)],
        ],
        width,
      ),
    );
  }
  lines.push(`ledger: ${plural(view.tasks.length, "task")} claimed or done by this worker`);
  if (view.tasks.length > 0) {
    lines.push(
      ...table(
        ["ID", "STATUS", "GOAL"],
        view.tasks.map((t) => [t.id, t.status, t.goal]),
        { width },
      ),
    );
  }
  return lines;
}

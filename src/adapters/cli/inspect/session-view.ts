import type { Kysely } from "kysely";
import type { ReadModels } from "../../../projections/read-models.js";
import { fields, orDash, plural } from "./text.js";
import { formatWorkerRows, type WorkerRow, workerRows } from "./worker-view.js";

/** A queen's session as `colony inspect session` shows it. */
export interface SessionView {
  readonly session: {
    readonly id: string;
    readonly queenId: string;
    readonly conversationId: string;
    /** The colony the session belongs to (null for an independent queen). */
    readonly colonyId: string | null;
    readonly phase: string;
    readonly provenance: Provenance;
    /** Locked once it spawned a colony: it takes no more colony-spawn. */
    readonly locked: boolean;
    readonly spawnedColony: { readonly id: string; readonly name: string | null } | null;
    readonly startedAt: string;
    readonly updatedAt: string;
  };
  readonly delegations: readonly Delegation[];
  /** Workers spawned by this session (its colony queen's workers and delegated children). */
  readonly workers: readonly WorkerRow[];
}

type Provenance = { readonly kind: string; readonly fromSessionId?: string };

export interface Delegation {
  readonly id: string;
  readonly goal: string;
  readonly context: string;
  readonly workerId: string;
  readonly status: string;
  readonly resultStatus: string | null;
  readonly summary: string | null;
  readonly error: string | null;
  readonly durationMs: number | null;
  readonly modelCalls: number | null;
  readonly exitReason: string | null;
  readonly dispatchedAt: string;
  readonly completedAt: string | null;
  readonly deliveredAt: string | null;
  readonly deliveredSeq: number | null;
}

export const SESSION_PROJECTIONS = ["sessions", "delegations", "workers", "progress_ledger"] as const;

export async function loadSession(db: Kysely<ReadModels>, sessionId: string): Promise<SessionView | undefined> {
  const row = await db.selectFrom("sessions").selectAll().where("id", "=", sessionId).executeTakeFirst();
  if (!row) return undefined;
  const [delegations, workers] = await Promise.all([
    db
      .selectFrom("delegations")
      .selectAll()
      .where("session_id", "=", sessionId)
      .orderBy("dispatched_at")
      .orderBy("id")
      .execute(),
    workerRows(db, { parentSessionId: sessionId }),
  ]);
  return {
    session: {
      id: row.id,
      queenId: row.queen_id,
      conversationId: row.conversation_id,
      colonyId: row.colony_id,
      phase: row.phase,
      provenance: JSON.parse(row.provenance) as Provenance,
      locked: row.locked === 1,
      spawnedColony:
        row.spawned_colony_id === null ? null : { id: row.spawned_colony_id, name: row.spawned_colony_name },
      startedAt: row.started_at,
      updatedAt: row.updated_at,
    },
    delegations: delegations.map((d) => ({
      id: d.id,
      goal: d.goal,
      context: d.context,
      workerId: d.worker_id,
      status: d.status,
      resultStatus: d.result_status,
      summary: d.summary,
      error: d.error,
      durationMs: d.duration_ms,
      modelCalls: d.model_calls,
      exitReason: d.exit_reason,
      dispatchedAt: d.dispatched_at,
      completedAt: d.completed_at,
      deliveredAt: d.delivered_at,
      deliveredSeq: d.delivered_seq,
    })),
    workers,
  };
}

function provenanceText(p: Provenance): string {
  return p.fromSessionId === undefined ? p.kind : `${p.kind} from session ${p.fromSessionId}`;
}

function spawnedText(s: SessionView["session"]): string {
  const colony =
    s.spawnedColony === null ? "" : `colony ${s.spawnedColony.name ?? s.spawnedColony.id} (id ${s.spawnedColony.id})`;
  if (s.locked) return `locked: spawned ${colony || "a colony"}`;
  return colony === "" ? "no colony spawned" : `spawned ${colony}, not locked`;
}

function delegationLines(d: Delegation, width: number): string[] {
  const result = d.resultStatus === null ? d.status : `${d.status} (${d.resultStatus})`;
  const delivered =
    d.deliveredAt === null ? "not delivered yet" : `delivered as seq ${d.deliveredSeq} at ${d.deliveredAt}`;
  const figures = [
    d.durationMs === null ? undefined : `${d.durationMs} ms`,
    d.modelCalls === null ? undefined : plural(d.modelCalls, "model call"),
    d.exitReason === null ? undefined : `exit ${d.exitReason}`,
  ].filter((f) => f !== undefined);
  return [
    `  ${d.id}  ${result}`,
    ...fields(
      [
        ["goal", d.goal],
        ["context", orDash(d.context)],
        ["worker", d.workerId],
        ["dispatched", d.dispatchedAt],
        ["completed", orDash(d.completedAt)],
        ["delivered", delivered],
        ["summary", orDash(d.summary)],
        ...(d.error === null ? [] : [["error", d.error] as const]),
        ["run", figures.length === 0 ? "-" : figures.join(", ")],
      ],
      width,
      "    ",
    ),
  ];
}

export function formatSession(view: SessionView, where: string, width: number): string[] {
  const s = view.session;
  return [
    `session ${s.id} ${where}`,
    ...fields(
      [
        ["queen", s.queenId],
        ["phase", s.phase],
        ["colony", s.colonyId ?? "- (an independent queen)"],
        ["spawn", spawnedText(s)],
        ["provenance", provenanceText(s.provenance)],
        ["conversation", s.conversationId],
        ["started", s.startedAt],
        ["updated", s.updatedAt],
      ],
      width,
    ),
    `delegations (${view.delegations.length}):`,
    ...view.delegations.flatMap((d) => delegationLines(d, width)),
    ...formatWorkerRows("workers spawned by this session", view.workers, width),
  ];
}

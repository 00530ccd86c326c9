import type { Kysely } from "kysely";
import type { LedgerTaskStatus } from "../../../projections/ledger/ledger-projection.js";
import type { ReadModels } from "../../../projections/read-models.js";
import { cut, fields, oneLine, orDash, table } from "./text.js";
import { formatWorkerRows, type WorkerRow, workerRows } from "./worker-view.js";

/** A colony as `colony inspect colony` shows it: its row, ledger counts, workers, sessions, triggers. */
export interface ColonyView {
  readonly colony: {
    readonly id: string;
    readonly name: string;
    readonly sourceSessionId: string | null;
    readonly workerProfile: WorkerProfile;
    readonly concurrencyHint: number | null;
    readonly timersPaused: boolean;
    readonly createdAt: string;
    readonly updatedAt: string;
  };
  readonly ledger: LedgerCounts;
  readonly workers: readonly WorkerRow[];
  readonly sessions: readonly { readonly id: string; readonly role: string; readonly phase: string }[];
  readonly triggers: readonly {
    readonly id: string;
    readonly kind: string;
    readonly task: string;
    readonly fireCount: number;
    readonly lastFiredAt: string | null;
    readonly removedAt: string | null;
  }[];
}

interface WorkerProfile {
  readonly systemPrompt?: string;
  readonly toolNames?: readonly string[];
  readonly loopConfig?: Record<string, unknown>;
  readonly inputData?: Record<string, unknown>;
}

export interface LedgerCounts {
  readonly tasks: number;
  readonly byStatus: Readonly<Record<LedgerTaskStatus, number>>;
  readonly steps: { readonly done: number; readonly total: number };
  readonly sopItems: { readonly checked: number; readonly total: number; readonly requiredOpen: number };
}

export const COLONY_PROJECTIONS = ["colonies", "progress_ledger", "workers", "sessions", "triggers"] as const;

const STATUSES: readonly LedgerTaskStatus[] = ["pending", "claimed", "in_progress", "done", "failed"];

/** The colony by id, else by name (the demo's and `tasks seed`'s colonies have one for the other). */
export async function loadColony(db: Kysely<ReadModels>, idOrName: string): Promise<ColonyView | undefined> {
  const row =
    (await db.selectFrom("colonies").selectAll().where("id", "=", idOrName).executeTakeFirst()) ??
    (await db.selectFrom("colonies").selectAll().where("name", "=", idOrName).orderBy("created_at").executeTakeFirst());
  if (!row) return undefined;
  const [ledger, workers, sessions, triggers] = await Promise.all([
    ledgerCounts(db, row.id),
    workerRows(db, { colonyId: row.id }),
    db
      .selectFrom("sessions")
      .select(["id", "phase", "colony_id", "spawned_colony_id"])
      .where((eb) => eb.or([eb("colony_id", "=", row.id), eb("spawned_colony_id", "=", row.id)]))
      .orderBy("started_at")
      .orderBy("id")
      .execute(),
    db.selectFrom("triggers").selectAll().where("colony_id", "=", row.id).orderBy("id").execute(),
  ]);
  return {
    colony: {
      id: row.id,
      name: row.name,
      sourceSessionId: row.source_session_id,
      workerProfile: JSON.parse(row.worker_profile) as WorkerProfile,
      concurrencyHint: row.concurrency_hint,
      timersPaused: row.timers_paused === 1,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
    ledger,
    workers,
    sessions: sessions.map((s) => ({
      id: s.id,
      role: s.colony_id === row.id ? "colony queen" : "spawned it",
      phase: s.phase,
    })),
    triggers: triggers.map((t) => ({
      id: t.id,
      kind: t.kind,
      task: t.task,
      fireCount: t.fire_count,
      lastFiredAt: t.last_fired_at,
      removedAt: t.removed_at,
    })),
  };
}

async function ledgerCounts(db: Kysely<ReadModels>, colonyId: string): Promise<LedgerCounts> {
  const ofColony = db.selectFrom("tasks").select("id").where("colony_id", "=", colonyId);
  const [statuses, steps, sop] = await Promise.all([
    db
      .selectFrom("tasks")
      .select((eb) => ["status", eb.fn.countAll<number>().as("n")])
      .where("colony_id", "=", colonyId)
      .groupBy("status")
      .execute(),
    db
      .selectFrom("steps")
      .select((eb) => ["status", eb.fn.countAll<number>().as("n")])
      .where("task_id", "in", ofColony)
      .groupBy("status")
      .execute(),
    db
      .selectFrom("sop_checklist")
      .select((eb) => [
        eb.fn.countAll<number>().as("total"),
        eb.fn.count<number>("done_at").as("checked"),
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.and([eb("required", "=", 1), eb("done_at", "is", null)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as("open"),
      ])
      .where("task_id", "in", ofColony)
      .executeTakeFirst(),
  ]);
  const byStatus = Object.fromEntries(
    STATUSES.map((s) => [s, Number(statuses.find((r) => r.status === s)?.n ?? 0)]),
  ) as Record<LedgerTaskStatus, number>;
  return {
    tasks: Object.values(byStatus).reduce((a, b) => a + b, 0),
    byStatus,
    steps: {
      done: Number(steps.find((r) => r.status === "done")?.n ?? 0),
      total: steps.reduce((a, r) => a + Number(r.n), 0),
    },
    sopItems: {
      checked: Number(sop?.checked ?? 0),
      total: Number(sop?.total ?? 0),
      requiredOpen: Number(sop?.open ?? 0),
    },
  };
}

function ledgerLine(l: LedgerCounts): string {
  const counts = STATUSES.filter((s) => l.byStatus[s] > 0).map((s) => `${l.byStatus[s]} ${s}`);
  const sop = `SOP items ${l.sopItems.checked}/${l.sopItems.total} checked${
    l.sopItems.requiredOpen > 0 ? ` (${l.sopItems.requiredOpen} required open)` : ""
  }`;
  return `ledger: ${l.tasks} tasks${counts.length > 0 ? ` (${counts.join(", ")})` : ""}; steps ${l.steps.done}/${l.steps.total} done; ${sop}`;
}

function profileLines(p: WorkerProfile, width: number): string[] {
  const loop = p.loopConfig ?? {};
  return fields(
    [
      ["system prompt", p.systemPrompt === undefined ? "-" : oneLine(p.systemPrompt)],
      ["tools", p.toolNames === undefined || p.toolNames.length === 0 ? "-" : p.toolNames.join(", ")],
      [
        "loop",
        Object.entries(loop)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(" ") || "-",
      ],
      // Keys only: values name paths and ids of the machine that spawned it.
      ["input data", Object.keys(p.inputData ?? {}).join(", ") || "-"],
    ],
    width,
    "    ",
  );
}

export function formatColony(view: ColonyView, where: string, width: number): string[] {
  const c = view.colony;
  const lines = [
    `colony ${c.name} (id ${c.id}) ${where}`,
    ...fields(
      [
        ["source session", orDash(c.sourceSessionId)],
        ["created", c.createdAt],
        ["updated", c.updatedAt],
        ["timers", c.timersPaused ? "paused" : "running"],
        ["concurrency", c.concurrencyHint === null ? "- (no hint)" : String(c.concurrencyHint)],
      ],
      width,
    ),
    "  worker profile:",
    ...profileLines(c.workerProfile, width),
    cut(ledgerLine(view.ledger), width),
    ...formatWorkerRows("workers", view.workers, width),
    `sessions (${view.sessions.length}):`,
  ];
  if (view.sessions.length > 0) {
    lines.push(
      ...table(
        ["ID", "PHASE", "ROLE"],
        view.sessions.map((s) => [s.id, s.phase, s.role]),
        { width },
      ),
    );
  }
  lines.push(`triggers (${view.triggers.length}):`);
  if (view.triggers.length > 0) {
    lines.push(
      ...table(
        ["ID", "KIND", "FIRED", "LAST FIRED", "STATE", "TASK"],
        view.triggers.map((t) => [
          t.id,
          t.kind,
          String(t.fireCount),
          orDash(t.lastFiredAt),
          t.removedAt === null ? "active" : `removed ${t.removedAt}`,
          t.task,
        ]),
        { right: [2], width },
      ),
    );
  }
  return lines;
}

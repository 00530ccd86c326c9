import { sql } from "kysely";
import type { RecordedEvent } from "../../domain/envelope.js";
import { defineProjection } from "../projection.js";
import { statement } from "../statement.js";

/**
 * The progress ledger (DESIGN §5) with the tables, columns, types, defaults and indexes of the
 * original per-colony `progress.db` (reference: progress_db.py, schema v1), so SQL written for it
 * keeps reading. One database holds many colonies here, so `tasks` and `colony_meta` carry one
 * extra column, `colony_id`, placed last so every original column keeps its position.
 */

/** The original's words: `pending` → `claimed` → `in_progress` → `done`, or `failed`. */
export type LedgerTaskStatus = "pending" | "claimed" | "in_progress" | "done" | "failed";
export type LedgerStepStatus = "pending" | "in_progress" | "done";

export interface LedgerTasksTable {
  id: string;
  seq: number | null;
  priority: number;
  goal: string;
  /** JSON text; a string payload is stored as it is, as the original did. */
  payload: string | null;
  status: LedgerTaskStatus;
  worker_id: string | null;
  claim_token: string | null;
  claimed_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
  retry_count: number;
  max_retries: number;
  last_error: string | null;
  parent_task_id: string | null;
  source: string | null;
  /** Not in the original, which kept one database per colony. */
  colony_id: string;
}

export interface LedgerStepsTable {
  /** `${taskId}:step:${seq}` (the original used random UUIDs; a fold must be deterministic). */
  id: string;
  task_id: string;
  seq: number;
  title: string;
  detail: string | null;
  status: LedgerStepStatus;
  evidence: string | null;
  worker_id: string | null;
  started_at: string | null;
  completed_at: string | null;
}

export interface LedgerSopChecklistTable {
  /** `${taskId}:sop:${key}`. */
  id: string;
  task_id: string;
  key: string;
  description: string;
  /** 1 or 0. */
  required: number;
  done_at: string | null;
  done_by: string | null;
  note: string | null;
  /** Not in the original: the item's place in the seeded checklist (0-based), its reading order. */
  seq: number;
}

/** Keys written: `schema_version` ("1", as the original), `colony_name`, `created_at`. */
export interface LedgerColonyMetaTable {
  key: string;
  value: string;
  updated_at: string;
  /** Not in the original; with `key`, the primary key. */
  colony_id: string;
}

export interface LedgerReadModel {
  tasks: LedgerTasksTable;
  steps: LedgerStepsTable;
  sop_checklist: LedgerSopChecklistTable;
  colony_meta: LedgerColonyMetaTable;
}

/** The original's `SCHEMA_VERSION`, which it recorded in `colony_meta` under `schema_version`. */
export const LEDGER_SCHEMA_VERSION = 1;

// Declared in the original's spelling, so `PRAGMA table_info` reports the same types.
const TEXT = sql`TEXT`;
const INTEGER = sql`INTEGER`;

/** The task id is the stream's id: `task-{id}`. */
const taskId = (event: RecordedEvent) => event.streamId.slice("task-".length);
const colonyId = (event: RecordedEvent) => event.streamId.slice("colony-".length);
const at = (event: RecordedEvent) => event.metadata.recordedAt;

export const stepId = (task: string, seq: number) => `${task}:step:${seq}`;
export const sopItemId = (task: string, key: string) => `${task}:sop:${key}`;

/** As the original's seed: a string payload is kept as it is, anything else becomes JSON. */
function payloadText(payload: unknown): string | null {
  if (payload === null || payload === undefined) return null;
  return typeof payload === "string" ? payload : JSON.stringify(payload);
}

const upsertMeta = statement<LedgerReadModel, LedgerColonyMetaTable>((q, p) =>
  q
    .insertInto("colony_meta")
    .values({ colony_id: p.colony_id, key: p.key, value: p.value, updated_at: p.updated_at })
    .onConflict((oc) =>
      oc.columns(["colony_id", "key"]).doUpdateSet((eb) => ({
        value: eb.ref("excluded.value"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    ),
);

const insertTask = statement<
  LedgerReadModel,
  Pick<
    LedgerTasksTable,
    "id" | "seq" | "priority" | "goal" | "payload" | "max_retries" | "parent_task_id" | "source" | "colony_id"
  > & { at: string }
>((q, p) =>
  q
    .insertInto("tasks")
    .values({
      id: p.id,
      seq: p.seq,
      priority: p.priority,
      goal: p.goal,
      payload: p.payload,
      status: "pending",
      created_at: p.at,
      updated_at: p.at,
      retry_count: 0,
      max_retries: p.max_retries,
      parent_task_id: p.parent_task_id,
      source: p.source,
      colony_id: p.colony_id,
    })
    .onConflict((oc) => oc.doNothing()),
);

/** One statement per step: a task seeds any number of them. */
const insertStep = statement<LedgerReadModel, Pick<LedgerStepsTable, "id" | "task_id" | "seq" | "title" | "detail">>(
  (q, p) =>
    q
      .insertInto("steps")
      .values({ id: p.id, task_id: p.task_id, seq: p.seq, title: p.title, detail: p.detail, status: "pending" })
      .onConflict((oc) => oc.doNothing()),
);

/** One statement per SOP item, as for steps. */
const insertSopItem = statement<
  LedgerReadModel,
  Pick<LedgerSopChecklistTable, "id" | "task_id" | "key" | "description" | "required" | "note" | "seq">
>((q, p) =>
  q
    .insertInto("sop_checklist")
    .values({
      id: p.id,
      task_id: p.task_id,
      key: p.key,
      description: p.description,
      required: p.required,
      note: p.note,
      seq: p.seq,
    })
    .onConflict((oc) => oc.doNothing()),
);

const claimTask = statement<LedgerReadModel, { id: string; worker_id: string; claim_token: string; at: string }>(
  (q, p) =>
    q
      .updateTable("tasks")
      .set({
        status: "claimed",
        worker_id: p.worker_id,
        claim_token: p.claim_token,
        claimed_at: p.at,
        updated_at: p.at,
      })
      .where("id", "=", p.id),
);

const startStep = statement<LedgerReadModel, { task_id: string; seq: number; worker_id: string; at: string }>((q, p) =>
  q
    .updateTable("steps")
    .set({ status: "in_progress", worker_id: p.worker_id, started_at: p.at })
    .where("task_id", "=", p.task_id)
    .where("seq", "=", p.seq),
);

/** The first step started moves a claimed task to in_progress; later ones leave it be. */
const startTask = statement<LedgerReadModel, { id: string; at: string }>((q, p) =>
  q
    .updateTable("tasks")
    .set({ status: "in_progress", started_at: p.at, updated_at: p.at })
    .where("id", "=", p.id)
    .where("status", "=", "claimed"),
);

const completeStep = statement<
  LedgerReadModel,
  { task_id: string; seq: number; evidence: string; worker_id: string; at: string }
>((q, p) =>
  q
    .updateTable("steps")
    .set({ status: "done", evidence: p.evidence, worker_id: p.worker_id, completed_at: p.at })
    .where("task_id", "=", p.task_id)
    .where("seq", "=", p.seq),
);

/** A check without a note: the note the item was seeded with stays. */
const checkSopItem = statement<LedgerReadModel, { task_id: string; key: string; done_by: string; at: string }>((q, p) =>
  q
    .updateTable("sop_checklist")
    .set({ done_at: p.at, done_by: p.done_by })
    .where("task_id", "=", p.task_id)
    .where("key", "=", p.key),
);

const checkSopItemWithNote = statement<
  LedgerReadModel,
  { task_id: string; key: string; done_by: string; note: string; at: string }
>((q, p) =>
  q
    .updateTable("sop_checklist")
    .set({ done_at: p.at, done_by: p.done_by, note: p.note })
    .where("task_id", "=", p.task_id)
    .where("key", "=", p.key),
);

const completeTask = statement<LedgerReadModel, { id: string; at: string }>((q, p) =>
  q.updateTable("tasks").set({ status: "done", completed_at: p.at, updated_at: p.at }).where("id", "=", p.id),
);

const failTask = statement<LedgerReadModel, { id: string; error: string; at: string }>((q, p) =>
  q
    .updateTable("tasks")
    .set({ status: "failed", last_error: p.error, completed_at: p.at, updated_at: p.at })
    .where("id", "=", p.id),
);

/**
 * As the original's stale-claim reclaim: back to pending with the claim (and its start)
 * cleared; steps keep their progress, which is the ledger's point.
 */
const releaseTask = statement<LedgerReadModel, { id: string; retry_count: number; at: string }>((q, p) =>
  q
    .updateTable("tasks")
    .set({
      status: "pending",
      worker_id: null,
      claim_token: null,
      claimed_at: null,
      started_at: null,
      retry_count: p.retry_count,
      updated_at: p.at,
    })
    .where("id", "=", p.id),
);

export const ledgerProjection = defineProjection<LedgerReadModel>({
  name: "progress_ledger",
  // 2: sop_checklist.seq, the checklist order (SQLite's rowid order before).
  version: 2,
  tables: ["tasks", "steps", "sop_checklist", "colony_meta"],
  schema: (q) => [
    q.schema
      .createTable("tasks")
      .addColumn("id", TEXT, (c) => c.primaryKey())
      .addColumn("seq", INTEGER)
      .addColumn("priority", INTEGER, (c) => c.notNull().defaultTo(0))
      .addColumn("goal", TEXT, (c) => c.notNull())
      .addColumn("payload", TEXT)
      .addColumn("status", TEXT, (c) => c.notNull().defaultTo("pending"))
      .addColumn("worker_id", TEXT)
      .addColumn("claim_token", TEXT)
      .addColumn("claimed_at", TEXT)
      .addColumn("started_at", TEXT)
      .addColumn("completed_at", TEXT)
      .addColumn("created_at", TEXT, (c) => c.notNull())
      .addColumn("updated_at", TEXT, (c) => c.notNull())
      .addColumn("retry_count", INTEGER, (c) => c.notNull().defaultTo(0))
      .addColumn("max_retries", INTEGER, (c) => c.notNull().defaultTo(3))
      .addColumn("last_error", TEXT)
      // The original declared REFERENCES tasks(id) ON DELETE SET NULL. Rows are never deleted
      // here, so the only effect left would be to refuse a TaskSeeded naming a parent the ledger
      // does not hold (better-sqlite3 enforces foreign keys), which would stop every projection
      // sharing the batch. The column stays; the constraint goes.
      .addColumn("parent_task_id", TEXT)
      .addColumn("source", TEXT)
      .addColumn("colony_id", TEXT, (c) => c.notNull()),
    q.schema
      .createTable("steps")
      .addColumn("id", TEXT, (c) => c.primaryKey())
      .addColumn("task_id", TEXT, (c) => c.notNull().references("tasks.id").onDelete("cascade"))
      .addColumn("seq", INTEGER, (c) => c.notNull())
      .addColumn("title", TEXT, (c) => c.notNull())
      .addColumn("detail", TEXT)
      .addColumn("status", TEXT, (c) => c.notNull().defaultTo("pending"))
      .addColumn("evidence", TEXT)
      .addColumn("worker_id", TEXT)
      .addColumn("started_at", TEXT)
      .addColumn("completed_at", TEXT)
      .addUniqueConstraint("steps_task_id_seq_unique", ["task_id", "seq"]),
    q.schema
      .createTable("sop_checklist")
      .addColumn("id", TEXT, (c) => c.primaryKey())
      .addColumn("task_id", TEXT, (c) => c.notNull().references("tasks.id").onDelete("cascade"))
      .addColumn("key", TEXT, (c) => c.notNull())
      .addColumn("description", TEXT, (c) => c.notNull())
      .addColumn("required", INTEGER, (c) => c.notNull().defaultTo(1))
      .addColumn("done_at", TEXT)
      .addColumn("done_by", TEXT)
      .addColumn("note", TEXT)
      // Not in the original, which read its items back in rowid order: SQLite's insertion order,
      // which no other engine keeps. The checklist order is a column instead.
      .addColumn("seq", INTEGER, (c) => c.notNull())
      .addUniqueConstraint("sop_checklist_task_id_key_unique", ["task_id", "key"]),
    q.schema
      .createTable("colony_meta")
      // The original: `key TEXT PRIMARY KEY`. Keys are per colony here.
      .addColumn("key", TEXT)
      .addColumn("value", TEXT, (c) => c.notNull())
      .addColumn("updated_at", TEXT, (c) => c.notNull())
      .addColumn("colony_id", TEXT, (c) => c.notNull())
      .addPrimaryKeyConstraint("colony_meta_pk", ["colony_id", "key"]),
    q.schema
      .createIndex("idx_tasks_claimable")
      .on("tasks")
      .columns(["status", "priority desc", "seq", "created_at"])
      .where(sql.ref("status"), "=", "pending"),
    q.schema.createIndex("idx_steps_task_seq").on("steps").columns(["task_id", "seq"]),
    q.schema.createIndex("idx_sop_required_open").on("sop_checklist").columns(["task_id", "required", "done_at"]),
    q.schema.createIndex("idx_tasks_status").on("tasks").columns(["status", "updated_at"]),
    // Not in the original: the claim query of one colony among many, in claim order.
    q.schema
      .createIndex("idx_tasks_colony_claimable")
      .on("tasks")
      .columns(["colony_id", "priority desc", "seq", "created_at"])
      .where(sql.ref("status"), "=", "pending"),
  ],
  handlers: {
    // The original recorded only `schema_version` here; a colony's name and creation time are
    // the facts of the log that fit the table (its directory name stood for the name).
    ColonyCreated: (event) => {
      const colony_id = colonyId(event);
      const updated_at = at(event);
      return [
        upsertMeta({ colony_id, key: "schema_version", value: String(LEDGER_SCHEMA_VERSION), updated_at }),
        upsertMeta({ colony_id, key: "colony_name", value: event.data.name, updated_at }),
        upsertMeta({ colony_id, key: "created_at", value: at(event), updated_at }),
      ];
    },
    // A TaskSeeded is its stream's first event; `on conflict do nothing` keeps the first of any
    // duplicate (a repeated step seq or SOP key) instead of failing the whole batch.
    TaskSeeded: (event) => {
      const id = taskId(event);
      const { data } = event;
      return [
        insertTask({
          id,
          seq: data.seq,
          priority: data.priority,
          goal: data.goal,
          payload: payloadText(data.payload),
          max_retries: data.maxRetries,
          parent_task_id: data.parentTaskId,
          source: data.source,
          colony_id: data.colonyId,
          at: at(event),
        }),
        ...data.steps.map((step) =>
          insertStep({ id: stepId(id, step.seq), task_id: id, seq: step.seq, title: step.title, detail: step.detail }),
        ),
        ...data.sopItems.map((item, seq) =>
          insertSopItem({
            id: sopItemId(id, item.key),
            task_id: id,
            key: item.key,
            description: item.description,
            required: item.required ? 1 : 0,
            note: item.note,
            seq,
          }),
        ),
      ];
    },
    TaskClaimed: (event) => [
      claimTask({
        id: taskId(event),
        worker_id: event.data.workerId,
        claim_token: event.data.claimToken,
        at: at(event),
      }),
    ],
    StepStarted: (event) => [
      startStep({ task_id: taskId(event), seq: event.data.stepSeq, worker_id: event.data.workerId, at: at(event) }),
      startTask({ id: taskId(event), at: at(event) }),
    ],
    StepCompleted: (event) => [
      completeStep({
        task_id: taskId(event),
        seq: event.data.stepSeq,
        evidence: event.data.evidence,
        worker_id: event.data.workerId,
        at: at(event),
      }),
    ],
    // A check without a note keeps the note the item was seeded with.
    SopItemChecked: (event) => [
      event.data.note === null
        ? checkSopItem({ task_id: taskId(event), key: event.data.key, done_by: event.data.workerId, at: at(event) })
        : checkSopItemWithNote({
            task_id: taskId(event),
            key: event.data.key,
            done_by: event.data.workerId,
            note: event.data.note,
            at: at(event),
          }),
    ],
    TaskCompleted: (event) => [completeTask({ id: taskId(event), at: at(event) })],
    TaskFailed: (event) => [failTask({ id: taskId(event), error: event.data.error, at: at(event) })],
    TaskReleased: (event) => [releaseTask({ id: taskId(event), retry_count: event.data.retryCount, at: at(event) })],
  },
});

import type { RecordedEvent } from "../../domain/envelope.js";
import { defineProjection } from "../projection.js";
import { statement } from "../statement.js";

export type WorkerStatus = "spawned" | "queued" | "running" | "reported" | "stopped" | "failed";

export interface WorkersTable {
  id: string;
  colony_id: string;
  parent_session_id: string | null;
  conversation_id: string;
  task: string;
  status: WorkerStatus;
  persistent: number;
  batch_id: string | null;
  batch_index: number | null;
  attempt: number;
  spawned_at: string;
  started_at: string | null;
  finished_at: string | null;
  last_activity_at: string;
  last_error: string | null;
  report_status: string | null;
  report_summary: string | null;
  report_data: string | null;
  report_error: string | null;
  duration_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
}

export interface WorkersReadModel {
  workers: WorkersTable;
}

/** The worker id is the stream's id: `worker-{id}`. */
const workerId = (event: RecordedEvent) => event.streamId.slice("worker-".length);
const at = (event: RecordedEvent) => event.metadata.recordedAt;

const insertWorker = statement<
  WorkersReadModel,
  Pick<
    WorkersTable,
    "id" | "colony_id" | "parent_session_id" | "conversation_id" | "task" | "persistent" | "batch_id" | "batch_index"
  > & { at: string }
>((q, p) =>
  q.insertInto("workers").values({
    id: p.id,
    colony_id: p.colony_id,
    parent_session_id: p.parent_session_id,
    conversation_id: p.conversation_id,
    task: p.task,
    status: "spawned",
    persistent: p.persistent,
    batch_id: p.batch_id,
    batch_index: p.batch_index,
    attempt: 0,
    spawned_at: p.at,
    last_activity_at: p.at,
  }),
);

const setStatus = statement<WorkersReadModel, { id: string; status: WorkerStatus; at: string }>((q, p) =>
  q.updateTable("workers").set({ status: p.status, last_activity_at: p.at }).where("id", "=", p.id),
);

const finish = statement<WorkersReadModel, { id: string; status: WorkerStatus; at: string }>((q, p) =>
  q.updateTable("workers").set({ status: p.status, finished_at: p.at, last_activity_at: p.at }).where("id", "=", p.id),
);

const start = statement<WorkersReadModel, { id: string; attempt: number; at: string }>((q, p) =>
  q
    .updateTable("workers")
    .set({ status: "running", attempt: p.attempt, started_at: p.at, last_activity_at: p.at })
    .where("id", "=", p.id),
);

const resurrect = statement<WorkersReadModel, { id: string; attempt: number; at: string }>((q, p) =>
  q
    .updateTable("workers")
    .set({ status: "running", attempt: p.attempt, finished_at: null, last_activity_at: p.at })
    .where("id", "=", p.id),
);

const fail = statement<WorkersReadModel, { id: string; error: string; at: string }>((q, p) =>
  q
    .updateTable("workers")
    .set({ status: "failed", last_error: p.error, finished_at: p.at, last_activity_at: p.at })
    .where("id", "=", p.id),
);

type Report = Pick<
  WorkersTable,
  "report_status" | "report_summary" | "report_data" | "report_error" | "duration_ms" | "input_tokens" | "output_tokens"
> & { id: string; at: string };

const report = statement<WorkersReadModel, Report>((q, p) =>
  q
    .updateTable("workers")
    .set({
      status: "reported",
      finished_at: p.at,
      last_activity_at: p.at,
      report_status: p.report_status,
      report_summary: p.report_summary,
      report_data: p.report_data,
      report_error: p.report_error,
      duration_ms: p.duration_ms,
      input_tokens: p.input_tokens,
      output_tokens: p.output_tokens,
    })
    .where("id", "=", p.id),
);

/** Worker state (DESIGN §5): status, task, attempt, timestamps, last activity, report. */
export const workersProjection = defineProjection<WorkersReadModel>({
  name: "workers",
  version: 1,
  tables: ["workers"],
  schema: (q) => [
    q.schema
      .createTable("workers")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("colony_id", "text", (c) => c.notNull())
      .addColumn("parent_session_id", "text")
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("task", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("persistent", "integer", (c) => c.notNull())
      .addColumn("batch_id", "text")
      .addColumn("batch_index", "integer")
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("spawned_at", "text", (c) => c.notNull())
      .addColumn("started_at", "text")
      .addColumn("finished_at", "text")
      .addColumn("last_activity_at", "text", (c) => c.notNull())
      .addColumn("last_error", "text")
      .addColumn("report_status", "text")
      .addColumn("report_summary", "text")
      .addColumn("report_data", "text")
      .addColumn("report_error", "text")
      .addColumn("duration_ms", "integer")
      .addColumn("input_tokens", "integer")
      .addColumn("output_tokens", "integer"),
    q.schema.createIndex("workers_colony_status").on("workers").columns(["colony_id", "status"]),
  ],
  handlers: {
    WorkerSpawned: (event) => [
      insertWorker({
        id: workerId(event),
        colony_id: event.data.colonyId,
        parent_session_id: event.data.parentSessionId,
        conversation_id: event.data.conversationId,
        task: event.data.task,
        persistent: event.data.persistent ? 1 : 0,
        batch_id: event.data.batchId,
        batch_index: event.data.batchIndex,
        at: at(event),
      }),
    ],
    WorkerQueued: (event) => [setStatus({ id: workerId(event), status: "queued", at: at(event) })],
    WorkerStarted: (event) => [start({ id: workerId(event), attempt: event.data.attempt, at: at(event) })],
    WorkerResurrected: (event) => [resurrect({ id: workerId(event), attempt: event.data.attempt, at: at(event) })],
    WorkerFailed: (event) => [fail({ id: workerId(event), error: event.data.error, at: at(event) })],
    WorkerStopped: (event) => [finish({ id: workerId(event), status: "stopped", at: at(event) })],
    WorkerReported: (event) => [
      report({
        id: workerId(event),
        at: at(event),
        report_status: event.data.status,
        report_summary: event.data.summary,
        report_data: JSON.stringify(event.data.data),
        report_error: event.data.error,
        duration_ms: event.data.durationMs,
        input_tokens: event.data.tokens.inputTokens,
        output_tokens: event.data.tokens.outputTokens,
      }),
    ],
  },
});

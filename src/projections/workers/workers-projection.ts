import type { RecordedEvent } from "../../domain/envelope.js";
import { defineProjection } from "../projection.js";

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
    WorkerSpawned: (event, q) => [
      q.insertInto("workers").values({
        id: workerId(event),
        colony_id: event.data.colonyId,
        parent_session_id: event.data.parentSessionId,
        conversation_id: event.data.conversationId,
        task: event.data.task,
        status: "spawned",
        persistent: event.data.persistent ? 1 : 0,
        batch_id: event.data.batchId,
        batch_index: event.data.batchIndex,
        attempt: 0,
        spawned_at: at(event),
        last_activity_at: at(event),
      }),
    ],
    WorkerQueued: (event, q) => [
      q
        .updateTable("workers")
        .set({ status: "queued", last_activity_at: at(event) })
        .where("id", "=", workerId(event)),
    ],
    WorkerStarted: (event, q) => [
      q
        .updateTable("workers")
        .set({ status: "running", attempt: event.data.attempt, started_at: at(event), last_activity_at: at(event) })
        .where("id", "=", workerId(event)),
    ],
    WorkerResurrected: (event, q) => [
      q
        .updateTable("workers")
        .set({ status: "running", attempt: event.data.attempt, finished_at: null, last_activity_at: at(event) })
        .where("id", "=", workerId(event)),
    ],
    WorkerFailed: (event, q) => [
      q
        .updateTable("workers")
        .set({ status: "failed", last_error: event.data.error, finished_at: at(event), last_activity_at: at(event) })
        .where("id", "=", workerId(event)),
    ],
    WorkerStopped: (event, q) => [
      q
        .updateTable("workers")
        .set({ status: "stopped", finished_at: at(event), last_activity_at: at(event) })
        .where("id", "=", workerId(event)),
    ],
    WorkerReported: (event, q) => [
      q
        .updateTable("workers")
        .set({
          status: "reported",
          finished_at: at(event),
          last_activity_at: at(event),
          report_status: event.data.status,
          report_summary: event.data.summary,
          report_data: JSON.stringify(event.data.data),
          report_error: event.data.error,
          duration_ms: event.data.durationMs,
          input_tokens: event.data.tokens.inputTokens,
          output_tokens: event.data.tokens.outputTokens,
        })
        .where("id", "=", workerId(event)),
    ],
  },
});

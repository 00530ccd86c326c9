import type { RecordedEvent } from "../../domain/envelope.js";
import { defineProjection } from "../projection.js";
import { statement } from "../statement.js";

/** The original's record states: `running` until the child ends or is interrupted. */
export type DelegationStatus = "running" | "completed" | "interrupted";

export interface DelegationsTable {
  /** Unique within its session: the key is (session_id, id). */
  id: string;
  session_id: string;
  goal: string;
  context: string;
  worker_id: string;
  status: DelegationStatus;
  /** How the child's run ended (success / partial / failed / timeout / stopped). */
  result_status: string | null;
  summary: string | null;
  /** The child's error, or the interruption's reason. */
  error: string | null;
  duration_ms: number | null;
  model_calls: number | null;
  exit_reason: string | null;
  dispatched_at: string;
  /** When it completed or was interrupted. */
  completed_at: string | null;
  /** When the completion entered the session's conversation, and at which part seq. */
  delivered_at: string | null;
  delivered_seq: number | null;
}

export interface DelegationsReadModel {
  delegations: DelegationsTable;
}

/** Delegations live in their session's stream: `session-{id}`. */
const sessionId = (event: RecordedEvent) => event.streamId.slice("session-".length);
const at = (event: RecordedEvent) => event.metadata.recordedAt;

const dispatch = statement<
  DelegationsReadModel,
  Pick<DelegationsTable, "id" | "session_id" | "goal" | "context" | "worker_id"> & { at: string }
>((q, p) =>
  q
    .insertInto("delegations")
    .values({
      id: p.id,
      session_id: p.session_id,
      goal: p.goal,
      context: p.context,
      worker_id: p.worker_id,
      status: "running",
      dispatched_at: p.at,
    })
    .onConflict((oc) => oc.doNothing()),
);

type Completion = Pick<
  DelegationsTable,
  "id" | "session_id" | "result_status" | "summary" | "error" | "duration_ms" | "model_calls" | "exit_reason"
> & { at: string };

/**
 * An interrupted child still reports (the original: "the child still emits a completion");
 * its result is recorded and the row stays `interrupted`.
 */
const complete = statement<DelegationsReadModel, Completion>((q, p) =>
  q
    .updateTable("delegations")
    .set((eb) => ({
      status: eb
        .case()
        .when("status", "=", "interrupted")
        .then(eb.ref("status"))
        .else(eb.val("completed" as DelegationStatus))
        .end(),
      result_status: p.result_status,
      summary: p.summary,
      error: p.error,
      duration_ms: p.duration_ms,
      model_calls: p.model_calls,
      exit_reason: p.exit_reason,
      completed_at: p.at,
    }))
    .where("session_id", "=", p.session_id)
    .where("id", "=", p.id),
);

/** Only a running delegation can be interrupted; one that already finished keeps its result. */
const interrupt = statement<DelegationsReadModel, { id: string; session_id: string; reason: string; at: string }>(
  (q, p) =>
    q
      .updateTable("delegations")
      .set({ status: "interrupted", error: p.reason, completed_at: p.at })
      .where("session_id", "=", p.session_id)
      .where("id", "=", p.id)
      .where("status", "=", "running"),
);

const deliver = statement<DelegationsReadModel, { id: string; session_id: string; seq: number; at: string }>((q, p) =>
  q
    .updateTable("delegations")
    .set({ delivered_at: p.at, delivered_seq: p.seq })
    .where("session_id", "=", p.session_id)
    .where("id", "=", p.id),
);

/** Background delegations per session; `status = 'running'` rows are the capacity in use. */
export const delegationsProjection = defineProjection<DelegationsReadModel>({
  name: "delegations",
  version: 1,
  tables: ["delegations"],
  schema: (q) => [
    q.schema
      .createTable("delegations")
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("session_id", "text", (c) => c.notNull())
      .addColumn("goal", "text", (c) => c.notNull())
      .addColumn("context", "text", (c) => c.notNull())
      .addColumn("worker_id", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("result_status", "text")
      .addColumn("summary", "text")
      .addColumn("error", "text")
      .addColumn("duration_ms", "integer")
      .addColumn("model_calls", "integer")
      .addColumn("exit_reason", "text")
      .addColumn("dispatched_at", "text", (c) => c.notNull())
      .addColumn("completed_at", "text")
      .addColumn("delivered_at", "text")
      .addColumn("delivered_seq", "integer")
      .addPrimaryKeyConstraint("delegations_pk", ["session_id", "id"]),
    q.schema.createIndex("delegations_session_status").on("delegations").columns(["session_id", "status"]),
  ],
  handlers: {
    DelegationDispatched: (event) => [
      dispatch({
        id: event.data.delegationId,
        session_id: sessionId(event),
        goal: event.data.goal,
        context: event.data.context,
        worker_id: event.data.workerId,
        at: at(event),
      }),
    ],
    DelegationCompleted: (event) => [
      complete({
        id: event.data.delegationId,
        session_id: sessionId(event),
        result_status: event.data.status,
        summary: event.data.summary,
        error: event.data.error,
        duration_ms: event.data.durationMs,
        model_calls: event.data.modelCalls,
        exit_reason: event.data.exitReason,
        at: at(event),
      }),
    ],
    DelegationInterrupted: (event) => [
      interrupt({
        id: event.data.delegationId,
        session_id: sessionId(event),
        reason: event.data.reason,
        at: at(event),
      }),
    ],
    DelegationDelivered: (event) => [
      deliver({ id: event.data.delegationId, session_id: sessionId(event), seq: event.data.seq, at: at(event) }),
    ],
  },
});

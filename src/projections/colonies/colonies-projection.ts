import type { RecordedEvent } from "../../domain/envelope.js";
import { defineProjection } from "../projection.js";
import { statement } from "../statement.js";

export interface ColoniesTable {
  id: string;
  name: string;
  source_session_id: string | null;
  /** JSON text: system prompt, tool names, loop config, input data. */
  worker_profile: string;
  concurrency_hint: number | null;
  /** 1 while the colony's timers are paused. */
  timers_paused: number;
  created_at: string;
  updated_at: string;
}

export interface ColoniesReadModel {
  colonies: ColoniesTable;
}

/** The colony id is the stream's id: `colony-{id}`. */
const colonyId = (event: RecordedEvent) => event.streamId.slice("colony-".length);
const at = (event: RecordedEvent) => event.metadata.recordedAt;

const insertColony = statement<
  ColoniesReadModel,
  Pick<ColoniesTable, "id" | "name" | "source_session_id" | "worker_profile" | "concurrency_hint"> & { at: string }
>((q, p) =>
  q
    .insertInto("colonies")
    .values({
      id: p.id,
      name: p.name,
      source_session_id: p.source_session_id,
      worker_profile: p.worker_profile,
      concurrency_hint: p.concurrency_hint,
      timers_paused: 0,
      created_at: p.at,
      updated_at: p.at,
    })
    .onConflict((oc) => oc.doNothing()),
);

const setWorkerProfile = statement<ColoniesReadModel, { id: string; worker_profile: string; at: string }>((q, p) =>
  q.updateTable("colonies").set({ worker_profile: p.worker_profile, updated_at: p.at }).where("id", "=", p.id),
);

const pauseTimers = statement<ColoniesReadModel, { id: string; at: string }>((q, p) =>
  q.updateTable("colonies").set({ timers_paused: 1, updated_at: p.at }).where("id", "=", p.id),
);

const resumeTimers = statement<ColoniesReadModel, { id: string; at: string }>((q, p) =>
  q.updateTable("colonies").set({ timers_paused: 0, updated_at: p.at }).where("id", "=", p.id),
);

/** One row per colony: its name, where it came from, its worker profile and whether its timers run. */
export const coloniesProjection = defineProjection<ColoniesReadModel>({
  name: "colonies",
  version: 1,
  tables: ["colonies"],
  schema: (q) => [
    q.schema
      .createTable("colonies")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("source_session_id", "text")
      .addColumn("worker_profile", "text", (c) => c.notNull())
      .addColumn("concurrency_hint", "integer")
      .addColumn("timers_paused", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull()),
    q.schema.createIndex("colonies_name").on("colonies").column("name"),
  ],
  handlers: {
    // The stream's first event; a repeat keeps the first rather than failing the batch.
    ColonyCreated: (event) => [
      insertColony({
        id: colonyId(event),
        name: event.data.name,
        source_session_id: event.data.sourceSessionId,
        worker_profile: JSON.stringify(event.data.workerProfile),
        concurrency_hint: event.data.concurrencyHint,
        at: at(event),
      }),
    ],
    WorkerProfileUpdated: (event) => [
      setWorkerProfile({
        id: colonyId(event),
        worker_profile: JSON.stringify(event.data.workerProfile),
        at: at(event),
      }),
    ],
    TimersPaused: (event) => [pauseTimers({ id: colonyId(event), at: at(event) })],
    TimersResumed: (event) => [resumeTimers({ id: colonyId(event), at: at(event) })],
  },
});

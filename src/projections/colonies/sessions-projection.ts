import type { RecordedEvent } from "../../domain/envelope.js";
import { defineProjection } from "../projection.js";
import { statement } from "../statement.js";

export type SessionPhase = "independent" | "incubating" | "working" | "reviewing";

export interface SessionsTable {
  id: string;
  queen_id: string;
  conversation_id: string;
  /** The colony the session belongs to, as it started (null for an independent queen). */
  colony_id: string | null;
  phase: SessionPhase;
  /** JSON text: `{"kind":"new"}` or resumed / compacted / forked `fromSessionId`. */
  provenance: string;
  /** 1 once a colony was spawned from it (the original's `colony_spawned`). */
  locked: number;
  spawned_colony_id: string | null;
  spawned_colony_name: string | null;
  started_at: string;
  updated_at: string;
}

export interface SessionsReadModel {
  sessions: SessionsTable;
}

/** The session id is the stream's id: `session-{id}`. */
const sessionId = (event: RecordedEvent) => event.streamId.slice("session-".length);
const at = (event: RecordedEvent) => event.metadata.recordedAt;

const insertSession = statement<
  SessionsReadModel,
  Pick<SessionsTable, "id" | "queen_id" | "conversation_id" | "colony_id" | "phase" | "provenance"> & { at: string }
>((q, p) =>
  q
    .insertInto("sessions")
    .values({
      id: p.id,
      queen_id: p.queen_id,
      conversation_id: p.conversation_id,
      colony_id: p.colony_id,
      phase: p.phase,
      provenance: p.provenance,
      locked: 0,
      started_at: p.at,
      updated_at: p.at,
    })
    .onConflict((oc) => oc.doNothing()),
);

const setPhase = statement<SessionsReadModel, { id: string; phase: SessionPhase; at: string }>((q, p) =>
  q.updateTable("sessions").set({ phase: p.phase, updated_at: p.at }).where("id", "=", p.id),
);

type Spawned = { id: string; colony_id: string; colony_name: string; at: string };

const lock = statement<SessionsReadModel, Spawned>((q, p) =>
  q
    .updateTable("sessions")
    .set({ locked: 1, spawned_colony_id: p.colony_id, spawned_colony_name: p.colony_name, updated_at: p.at })
    .where("id", "=", p.id),
);

/** Spawning names the colony; the lock is SessionLocked's to set. */
const nameSpawnedColony = statement<SessionsReadModel, Spawned>((q, p) =>
  q
    .updateTable("sessions")
    .set({ spawned_colony_id: p.colony_id, spawned_colony_name: p.colony_name, updated_at: p.at })
    .where("id", "=", p.id),
);

/** The queen's sessions: phase, provenance and the colony-spawned lock. */
export const sessionsProjection = defineProjection<SessionsReadModel>({
  name: "sessions",
  version: 1,
  tables: ["sessions"],
  schema: (q) => [
    q.schema
      .createTable("sessions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("queen_id", "text", (c) => c.notNull())
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("colony_id", "text")
      .addColumn("phase", "text", (c) => c.notNull())
      .addColumn("provenance", "text", (c) => c.notNull())
      .addColumn("locked", "integer", (c) => c.notNull())
      .addColumn("spawned_colony_id", "text")
      .addColumn("spawned_colony_name", "text")
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull()),
    q.schema.createIndex("sessions_queen").on("sessions").columns(["queen_id", "started_at"]),
    q.schema.createIndex("sessions_colony").on("sessions").column("colony_id"),
  ],
  handlers: {
    // The stream's first event; a repeat keeps the first rather than failing the batch.
    SessionStarted: (event) => [
      insertSession({
        id: sessionId(event),
        queen_id: event.data.queenId,
        conversation_id: event.data.conversationId,
        colony_id: event.data.colonyId,
        phase: event.data.phase,
        provenance: JSON.stringify(event.data.provenance),
        at: at(event),
      }),
    ],
    SessionPhaseChanged: (event) => [setPhase({ id: sessionId(event), phase: event.data.phase, at: at(event) })],
    SessionLocked: (event) => [
      lock({
        id: sessionId(event),
        colony_id: event.data.colonyId,
        colony_name: event.data.colonyName,
        at: at(event),
      }),
    ],
    ColonySpawned: (event) => [
      nameSpawnedColony({
        id: sessionId(event),
        colony_id: event.data.colonyId,
        colony_name: event.data.colonyName,
        at: at(event),
      }),
    ],
  },
});

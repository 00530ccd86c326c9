import type { RecordedEvent } from "../../domain/envelope.js";
import { defineProjection } from "../projection.js";

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
    SessionStarted: (event, q) => [
      q
        .insertInto("sessions")
        .values({
          id: sessionId(event),
          queen_id: event.data.queenId,
          conversation_id: event.data.conversationId,
          colony_id: event.data.colonyId,
          phase: event.data.phase,
          provenance: JSON.stringify(event.data.provenance),
          locked: 0,
          started_at: at(event),
          updated_at: at(event),
        })
        .onConflict((oc) => oc.doNothing()),
    ],
    SessionPhaseChanged: (event, q) => [
      q
        .updateTable("sessions")
        .set({ phase: event.data.phase, updated_at: at(event) })
        .where("id", "=", sessionId(event)),
    ],
    SessionLocked: (event, q) => [
      q
        .updateTable("sessions")
        .set({
          locked: 1,
          spawned_colony_id: event.data.colonyId,
          spawned_colony_name: event.data.colonyName,
          updated_at: at(event),
        })
        .where("id", "=", sessionId(event)),
    ],
    // Spawning names the colony; the lock is SessionLocked's to set.
    ColonySpawned: (event, q) => [
      q
        .updateTable("sessions")
        .set({
          spawned_colony_id: event.data.colonyId,
          spawned_colony_name: event.data.colonyName,
          updated_at: at(event),
        })
        .where("id", "=", sessionId(event)),
    ],
  },
});

import { z } from "zod";
import { Id } from "../../../domain/events/fields.js";
import { SessionPhase } from "../../../domain/events/session.js";
import type { ColonyHost } from "../colony-host.js";
import type { QueenTurns } from "./queen-turns.js";
import type { SessionRow } from "./session-lookup.js";

export const SessionParams = z.strictObject({ session_id: Id });

const TurnView = z.strictObject({
  exit: z.enum(["reported", "escalated", "replied", "max_iterations", "aborted", "failed"]),
  reply: z.string(),
  error: z.string().nullable(),
  model_calls: z.number().int(),
  tool_calls: z.number().int(),
  finished_at: z.string(),
});

export const SessionView = z.strictObject({
  session_id: Id,
  queen_id: Id,
  conversation_id: Id,
  /** The colony this session runs (a colony queen's session); null for the person's session. */
  colony_id: Id.nullable(),
  phase: SessionPhase,
  provenance: z.strictObject({
    kind: z.enum(["new", "resumed", "compacted", "forked"]),
    from_session_id: Id.nullable(),
  }),
  /** Set once a colony was spawned from it: chat is refused, compact-and-fork goes on. */
  locked: z.boolean(),
  /** The original's name for the lock. */
  colony_spawned: z.boolean(),
  spawned_colony_id: Id.nullable(),
  spawned_colony_name: z.string().nullable(),
  colony: z
    .strictObject({
      colony_id: Id,
      colony_name: z.string(),
      timers_paused: z.boolean(),
      concurrency_hint: z.number().int().nullable(),
    })
    .nullable(),
  /** The queen's turns in this server process (nothing of them is known after a restart). */
  queen: z.strictObject({
    turn_running: z.boolean(),
    pending_messages: z.number().int(),
    last_turn: TurnView.nullable(),
  }),
  started_at: z.string(),
  updated_at: z.string(),
});
export type SessionView = z.input<typeof SessionView>;

export async function sessionView(host: ColonyHost, queens: QueenTurns, row: SessionRow): Promise<SessionView> {
  const provenance = JSON.parse(row.provenance) as { kind: SessionView["provenance"]["kind"]; fromSessionId?: string };
  const colony =
    row.colony_id === null
      ? undefined
      : await host.readModels
          .selectFrom("colonies")
          .select(["id", "name", "timers_paused", "concurrency_hint"])
          .where("id", "=", row.colony_id)
          .executeTakeFirst();
  const status = queens.status(row.id);
  const last = status.lastTurn;
  return {
    session_id: row.id,
    queen_id: row.queen_id,
    conversation_id: row.conversation_id,
    colony_id: row.colony_id,
    phase: row.phase,
    provenance: { kind: provenance.kind, from_session_id: provenance.fromSessionId ?? null },
    locked: row.locked === 1,
    colony_spawned: row.locked === 1,
    spawned_colony_id: row.spawned_colony_id,
    spawned_colony_name: row.spawned_colony_name,
    colony: colony
      ? {
          colony_id: colony.id as string,
          colony_name: colony.name as string,
          timers_paused: colony.timers_paused === 1,
          concurrency_hint: (colony.concurrency_hint as number | null) ?? null,
        }
      : null,
    queen: {
      turn_running: status.turnRunning,
      pending_messages: status.pendingMessages,
      last_turn: last
        ? {
            exit: last.exit,
            reply: last.reply,
            error: last.error,
            model_calls: last.modelCalls,
            tool_calls: last.toolCalls,
            finished_at: last.finishedAt,
          }
        : null,
    },
    started_at: row.started_at,
    updated_at: row.updated_at,
  };
}

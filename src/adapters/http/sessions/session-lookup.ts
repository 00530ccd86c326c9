import { CommandRefusedError } from "../../../domain/deciders/refusal.js";
import { parseSessionCommand, sessionDecider } from "../../../domain/deciders/session.js";
import type { SessionPhase, SessionsTable } from "../../../projections/colonies/sessions-projection.js";
import { handleCommand } from "../../../runtime/command-handler.js";
import { sessionStreamId } from "../../../runtime/sessions/load-session.js";
import { ApiError } from "../api-error.js";
import type { ColonyHost } from "../colony-host.js";

export type SessionRow = SessionsTable;

/** A session that belongs to a colony: the one whose colony the colony routes act on. */
export type ColonySessionRow = SessionRow & { readonly colony_id: string };

export async function findSession(host: ColonyHost, sessionId: string): Promise<SessionRow | undefined> {
  return (await host.readModels.selectFrom("sessions").selectAll().where("id", "=", sessionId).executeTakeFirst()) as
    | SessionRow
    | undefined;
}

export async function requireSession(host: ColonyHost, sessionId: string): Promise<SessionRow> {
  const row = await findSession(host, sessionId);
  if (!row) throw new ApiError(404, "session_not_found", `no session ${sessionId}`, { session_id: sessionId });
  return row;
}

/**
 * Only a colony's own queen session operates the colony, as in the original, where the session a
 * colony was spawned from kept no colony runtime: the person's session hands the work over.
 */
export function requireColony(row: SessionRow): ColonySessionRow {
  if (row.colony_id === null) {
    throw new ApiError(
      409,
      "session_without_colony",
      `session ${row.id} has no colony${row.spawned_colony_name ? ` (colony ${row.spawned_colony_name} was spawned from it: use that colony's queen session)` : ""}`,
      { session_id: row.id, spawned_colony_name: row.spawned_colony_name },
    );
  }
  return row as ColonySessionRow;
}

export function lockedError(row: Pick<SessionRow, "id" | "spawned_colony_id" | "spawned_colony_name">): ApiError {
  return new ApiError(
    409,
    "session_locked",
    `session ${row.id} is locked: colony ${row.spawned_colony_name} was spawned from it; compact and fork it into a new session to go on`,
    {
      session_id: row.id,
      reason: "colony_spawned",
      colony_id: row.spawned_colony_id,
      colony_name: row.spawned_colony_name,
      spawned_colony_name: row.spawned_colony_name,
    },
  );
}

export function requireUnlocked(row: SessionRow): void {
  if (row.locked === 1) throw lockedError(row);
}

/** The session decider's lock refusal, in the API's words (the same code and snake_case details). */
export function inApiTerms(error: unknown, sessionId: string): unknown {
  if (!(error instanceof CommandRefusedError) || error.code !== "session_locked") return error;
  const details = error.details as { colonyId?: string; spawnedColonyName?: string };
  return lockedError({
    id: sessionId,
    spawned_colony_id: details.colonyId ?? null,
    spawned_colony_name: details.spawnedColonyName ?? null,
  });
}

export const noModel = (what: string) =>
  new ApiError(409, "no_model", `${what} needs a model, and this server runs without one (set COLONY_MODEL)`, {});

/**
 * Follows the original's phase switches after a command from the UI (working after a trigger,
 * reviewing after a pause or stop). A locked session keeps its phase: the decider refuses it.
 */
export async function switchPhase(host: ColonyHost, sessionId: string, phase: SessionPhase): Promise<void> {
  try {
    await handleCommand(
      host.db.events,
      sessionDecider,
      sessionStreamId(sessionId),
      parseSessionCommand({ type: "ChangePhase", phase }),
    );
  } catch (error) {
    if (!(error instanceof CommandRefusedError && error.code === "session_locked")) throw error;
  }
}

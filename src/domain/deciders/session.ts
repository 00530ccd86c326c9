import { z } from "zod";
import { PositiveInt } from "../events/fields.js";
import { type SessionPhase, sessionEvents } from "../events/session.js";
import type { Decider, EventOf, Folded } from "./decider.js";
import { type CommandRefusedError, parseCommand, refuse } from "./refusal.js";

export type SessionEvent = EventOf<keyof typeof sessionEvents>;

/** A dispatched delegation is running until it completes; an interrupt only asks it to stop. */
export type DelegationStatus = "running" | "interrupted" | "completed" | "delivered";

export interface Session {
  readonly sessionId: string;
  readonly queenId: string;
  readonly conversationId: string;
  readonly phase: z.output<typeof SessionPhase>;
  /** Set once a colony is spawned from the session: it takes no more work (compact and fork instead). */
  readonly lock: { readonly colonyId: string; readonly colonyName: string } | null;
  readonly delegations: ReadonlyMap<string, DelegationStatus>;
}

/** Null until the session is started. */
export type SessionState = Session | null;

const { DelegationDispatched, DelegationCompleted, DelegationInterrupted, DelegationDelivered } = sessionEvents;

export const SessionCommand = z.discriminatedUnion("type", [
  // Commands that carry an event's facts reuse its schema's fields, so the two cannot drift.
  z.strictObject({ type: z.literal("StartSession"), ...sessionEvents.SessionStarted.shape }),
  z.strictObject({ type: z.literal("ChangePhase"), phase: sessionEvents.SessionPhaseChanged.shape.phase }),
  /** The mark-colony-spawned route: the colony was spawned elsewhere; only lock the session. */
  z.strictObject({ type: z.literal("LockSession"), ...sessionEvents.SessionLocked.shape }),
  /** The queen spawned a colony: record it and lock the session in one append. */
  z.strictObject({ type: z.literal("RecordColonySpawn"), ...sessionEvents.ColonySpawned.shape }),
  /** The cap is the caller's configuration; the session's own delegations are what count against it. */
  z.strictObject({ type: z.literal("DispatchDelegation"), ...DelegationDispatched.shape, maxConcurrent: PositiveInt }),
  z.strictObject({ type: z.literal("CompleteDelegation"), ...DelegationCompleted.shape }),
  z.strictObject({ type: z.literal("InterruptDelegation"), ...DelegationInterrupted.shape }),
  z.strictObject({ type: z.literal("DeliverDelegation"), ...DelegationDelivered.shape }),
]);
export type SessionCommand = z.output<typeof SessionCommand>;

export function parseSessionCommand(input: unknown): SessionCommand {
  return parseCommand(SessionCommand, input);
}

export type SessionRefusalCode =
  | "session_not_found"
  | "session_already_started"
  | "session_locked"
  | "delegation_capacity_reached"
  | "delegation_already_dispatched"
  | "unknown_delegation"
  | "delegation_finished"
  | "delegation_not_completed";

const refuseSession: (
  code: SessionRefusalCode,
  message: string,
  details?: Record<string, unknown>,
) => CommandRefusedError<SessionRefusalCode> = refuse;

function requireUnlocked(session: Session, command: SessionCommand): void {
  if (session.lock === null) return;
  throw refuseSession(
    "session_locked",
    `session ${session.sessionId} is locked: colony ${session.lock.colonyName} was spawned from it (${command.type} refused; compact and start a new session)`,
    {
      sessionId: session.sessionId,
      reason: "colony_spawned",
      colonyId: session.lock.colonyId,
      spawnedColonyName: session.lock.colonyName,
    },
  );
}

function requireDelegation(session: Session, delegationId: string): DelegationStatus {
  const status = session.delegations.get(delegationId);
  if (status === undefined) {
    throw refuseSession("unknown_delegation", `session ${session.sessionId} has no delegation ${delegationId}`, {
      sessionId: session.sessionId,
      delegationId,
    });
  }
  return status;
}

function activeDelegations(session: Session): string[] {
  return [...session.delegations].filter(([, s]) => s === "running" || s === "interrupted").map(([id]) => id);
}

function decide(command: SessionCommand, state: SessionState): SessionEvent[] {
  if (command.type === "StartSession") {
    if (state !== null) {
      throw refuseSession("session_already_started", `session ${state.sessionId} already exists`, {
        sessionId: state.sessionId,
      });
    }
    const { type: _type, ...data } = command;
    return [{ type: "SessionStarted", data }];
  }
  if (state === null) throw refuseSession("session_not_found", `${command.type}: the session does not exist`);
  const { sessionId } = state;
  switch (command.type) {
    case "ChangePhase":
      requireUnlocked(state, command);
      // The original's phase switches are idempotent: switching to the current phase is no change.
      if (command.phase === state.phase) return [];
      return [{ type: "SessionPhaseChanged", data: { phase: command.phase, previousPhase: state.phase } }];
    case "LockSession": {
      requireUnlocked(state, command);
      const { type: _type, ...data } = command;
      return [{ type: "SessionLocked", data }];
    }
    case "RecordColonySpawn": {
      requireUnlocked(state, command);
      const { type: _type, ...data } = command;
      return [
        { type: "ColonySpawned", data },
        { type: "SessionLocked", data: { colonyId: data.colonyId, colonyName: data.colonyName } },
      ];
    }
    case "DispatchDelegation": {
      requireUnlocked(state, command);
      if (state.delegations.has(command.delegationId)) {
        throw refuseSession(
          "delegation_already_dispatched",
          `session ${sessionId} already dispatched ${command.delegationId}`,
          { sessionId, delegationId: command.delegationId },
        );
      }
      const active = activeDelegations(state);
      // Refused, never queued or run inline: a runaway model must not pile up background work.
      if (active.length >= command.maxConcurrent) {
        throw refuseSession(
          "delegation_capacity_reached",
          `session ${sessionId} is at its cap of background delegations (${active.length} running, cap ${command.maxConcurrent}): wait for one to finish or interrupt one, then dispatch again`,
          { sessionId, running: active.length, maxConcurrent: command.maxConcurrent, runningDelegationIds: active },
        );
      }
      const { type: _type, maxConcurrent: _cap, ...data } = command;
      return [{ type: "DelegationDispatched", data }];
    }
    case "InterruptDelegation": {
      const status = requireDelegation(state, command.delegationId);
      if (status !== "running") throw delegationFinished(sessionId, command.delegationId, status);
      const { type: _type, ...data } = command;
      return [{ type: "DelegationInterrupted", data }];
    }
    case "CompleteDelegation": {
      const status = requireDelegation(state, command.delegationId);
      // An interrupted child still finishes and reports, as the original's did.
      if (status !== "running" && status !== "interrupted") {
        throw delegationFinished(sessionId, command.delegationId, status);
      }
      const { type: _type, ...data } = command;
      return [{ type: "DelegationCompleted", data }];
    }
    case "DeliverDelegation": {
      const status = requireDelegation(state, command.delegationId);
      if (status === "delivered") throw delegationFinished(sessionId, command.delegationId, status);
      if (status !== "completed") {
        throw refuseSession(
          "delegation_not_completed",
          `delegation ${command.delegationId} has not completed: there is nothing to deliver`,
          { sessionId, delegationId: command.delegationId, status },
        );
      }
      const { type: _type, ...data } = command;
      return [{ type: "DelegationDelivered", data }];
    }
  }
}

function delegationFinished(sessionId: string, delegationId: string, status: DelegationStatus) {
  return refuseSession("delegation_finished", `delegation ${delegationId} is already ${status}`, {
    sessionId,
    delegationId,
    status,
  });
}

function withDelegation(session: Session, delegationId: string, status: DelegationStatus): Session {
  const delegations = new Map(session.delegations);
  delegations.set(delegationId, status);
  return { ...session, delegations };
}

function evolve(state: SessionState, event: Folded<SessionEvent>): SessionState {
  if (event.type === "SessionStarted") {
    return {
      sessionId: event.data.sessionId,
      queenId: event.data.queenId,
      conversationId: event.data.conversationId,
      phase: event.data.phase,
      lock: null,
      delegations: new Map(),
    };
  }
  if (state === null) return state;
  switch (event.type) {
    case "SessionPhaseChanged":
      return { ...state, phase: event.data.phase };
    case "SessionLocked":
      return { ...state, lock: { colonyId: event.data.colonyId, colonyName: event.data.colonyName } };
    case "DelegationDispatched":
      return withDelegation(state, event.data.delegationId, "running");
    case "DelegationInterrupted":
      return withDelegation(state, event.data.delegationId, "interrupted");
    case "DelegationCompleted":
      return withDelegation(state, event.data.delegationId, "completed");
    case "DelegationDelivered":
      return withDelegation(state, event.data.delegationId, "delivered");
    default:
      return state;
  }
}

export const sessionDecider: Decider<SessionCommand, SessionState, SessionEvent> = {
  initialState: null,
  evolve,
  decide,
};

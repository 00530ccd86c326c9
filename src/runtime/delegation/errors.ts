import { CommandRefusedError } from "../../domain/deciders/refusal.js";
import { ColonyError } from "../../domain/errors.js";

/**
 * A dispatch refused because the session already runs as many background delegations as its cap
 * allows. Never queued and never run inline instead: a runaway model must not pile up background
 * work, and the caller must know its task did not start. Still a CommandRefusedError, with the
 * decider's code, message and details, so callers that map refusals (to 409, say) need nothing new.
 */
export class DelegationCapacityError extends CommandRefusedError<"delegation_capacity_reached"> {
  readonly maxConcurrent: number;
  readonly running: number;
  readonly runningDelegationIds: readonly string[];

  constructor(refusal: CommandRefusedError) {
    super("delegation_capacity_reached", refusal.message, refusal.details);
    this.maxConcurrent = Number(refusal.details.maxConcurrent);
    this.running = Number(refusal.details.running);
    const ids = refusal.details.runningDelegationIds;
    this.runningDelegationIds = Array.isArray(ids) ? ids.map(String) : [];
  }
}

export function isCapacityRefusal(error: unknown): error is CommandRefusedError {
  return error instanceof CommandRefusedError && error.code === "delegation_capacity_reached";
}

export class DelegationServiceClosedError extends ColonyError<"delegation_service_closed"> {
  constructor(sessionId: string) {
    super(
      "delegation_service_closed",
      `the delegation service of session ${sessionId} is closed: nothing more is dispatched`,
      {
        sessionId,
      },
    );
  }
}

export class SessionNotFoundError extends ColonyError<"session_not_found"> {
  constructor(sessionId: string) {
    super("session_not_found", `no session ${sessionId}: delegations belong to a started session`, { sessionId });
  }
}

export class UnknownDelegationError extends ColonyError<"unknown_delegation"> {
  constructor(sessionId: string, delegationId: string) {
    super("unknown_delegation", `session ${sessionId} has no delegation ${delegationId}`, { sessionId, delegationId });
  }
}

/**
 * The delegation has not completed and no child of this service is running it, so nothing here
 * will complete it: it was dispatched by another process that still runs it, or this service has
 * not recovered the session yet.
 */
export class DelegationNotWatchedError extends ColonyError<"delegation_not_watched"> {
  constructor(sessionId: string, delegationId: string) {
    super(
      "delegation_not_watched",
      `delegation ${delegationId} of session ${sessionId} has not completed and no child of this service runs it`,
      { sessionId, delegationId },
    );
  }
}

import { z } from "zod";
import { NonNegativeInt, type ReportStatus, Timestamp } from "../events/fields.js";
import { workerEvents } from "../events/worker.js";
import type { Decider, EventOf, Folded } from "./decider.js";
import { type CommandRefusedError, illegalTransition, parseCommand, refuse } from "./refusal.js";

export type WorkerEvent = EventOf<keyof typeof workerEvents>;

/**
 * `ready`: spawned or resurrected, not yet running. `stopped` and `failed` still await their
 * report (a failed worker may instead be resurrected); `reported` is final.
 */
export type WorkerStatus = "ready" | "queued" | "running" | "stopped" | "failed" | "reported";

export interface Worker {
  readonly workerId: string;
  readonly colonyId: string;
  readonly persistent: boolean;
  readonly status: WorkerStatus;
  /** The attempt the next (or current) run is: 1 for the first, +1 per resurrection. */
  readonly attempt: number;
  readonly resurrections: number;
  readonly lastFailure: { readonly error: string; readonly fatal: boolean; readonly at: string | null } | null;
  readonly reportStatus: z.output<typeof ReportStatus> | null;
}

/** Null until the worker is spawned. */
export type WorkerState = Worker | null;

export const WorkerCommand = z.discriminatedUnion("type", [
  // Commands that carry an event's facts reuse its schema's fields, so the two cannot drift.
  z.strictObject({ type: z.literal("SpawnWorker"), ...workerEvents.WorkerSpawned.shape }),
  /** The colony is at its concurrency cap: the worker waits to be promoted. */
  z.strictObject({ type: z.literal("QueueWorker"), reason: z.string() }),
  z.strictObject({ type: z.literal("StartWorker") }),
  z.strictObject({ type: z.literal("ReportWorker"), ...workerEvents.WorkerReported.shape }),
  z.strictObject({ type: z.literal("StopWorker"), reason: z.string() }),
  z.strictObject({ type: z.literal("FailWorker"), error: z.string(), fatal: z.boolean() }),
  /** The cap and cooldown are the colony's (or trigger's) policy, so the caller passes them. */
  z.strictObject({
    type: z.literal("ResurrectWorker"),
    reason: z.string(),
    maxResurrections: NonNegativeInt,
    cooldownMs: NonNegativeInt,
    now: Timestamp,
  }),
]);
export type WorkerCommand = z.output<typeof WorkerCommand>;

export function parseWorkerCommand(input: unknown): WorkerCommand {
  return parseCommand(WorkerCommand, input);
}

export type WorkerRefusalCode =
  | "worker_not_found"
  | "worker_already_spawned"
  | "worker_finished"
  | "worker_failure_fatal"
  | "resurrection_cap_reached"
  | "resurrection_cooldown"
  | "illegal_transition";

const refuseWorker: (
  code: WorkerRefusalCode,
  message: string,
  details?: Record<string, unknown>,
) => CommandRefusedError<WorkerRefusalCode> = refuse;

/** Which statuses each command may leave. */
const allowedFrom: Record<Exclude<WorkerCommand["type"], "SpawnWorker">, readonly WorkerStatus[]> = {
  QueueWorker: ["ready"],
  StartWorker: ["ready", "queued"],
  // A worker stopped or failed still owes the report its waiters are blocked on.
  ReportWorker: ["running", "stopped", "failed"],
  // Stopping a failed worker forgoes its resurrection; a queued one never runs.
  StopWorker: ["ready", "queued", "running", "failed"],
  FailWorker: ["running"],
  ResurrectWorker: ["failed"],
};

function decide(command: WorkerCommand, state: WorkerState): WorkerEvent[] {
  if (command.type === "SpawnWorker") {
    if (state !== null) {
      throw refuseWorker("worker_already_spawned", `worker ${state.workerId} already exists`, {
        workerId: state.workerId,
        status: state.status,
      });
    }
    const { type: _type, ...data } = command;
    return [{ type: "WorkerSpawned", data }];
  }
  if (state === null) throw refuseWorker("worker_not_found", `${command.type}: the worker does not exist`);
  const { workerId } = state;
  if (state.status === "reported") {
    throw refuseWorker("worker_finished", `worker ${workerId} has already reported ${state.reportStatus}`, {
      workerId,
      reportStatus: state.reportStatus,
    });
  }
  if (!allowedFrom[command.type].includes(state.status)) {
    throw illegalTransition("worker", workerId, state.status, command.type);
  }
  switch (command.type) {
    case "QueueWorker":
      return [{ type: "WorkerQueued", data: { reason: command.reason } }];
    case "StartWorker":
      return [{ type: "WorkerStarted", data: { attempt: state.attempt } }];
    case "ReportWorker": {
      const { type: _type, ...data } = command;
      return [{ type: "WorkerReported", data }];
    }
    case "StopWorker":
      return [{ type: "WorkerStopped", data: { reason: command.reason } }];
    case "FailWorker":
      return [{ type: "WorkerFailed", data: { error: command.error, fatal: command.fatal } }];
    case "ResurrectWorker":
      return resurrect(command, state);
  }
}

function resurrect(command: Extract<WorkerCommand, { type: "ResurrectWorker" }>, worker: Worker): WorkerEvent[] {
  const { workerId, lastFailure } = worker;
  if (lastFailure?.fatal) {
    throw refuseWorker("worker_failure_fatal", `worker ${workerId} failed fatally: it is not resurrected`, {
      workerId,
      error: lastFailure.error,
    });
  }
  if (worker.resurrections >= command.maxResurrections) {
    throw refuseWorker(
      "resurrection_cap_reached",
      `worker ${workerId} has been resurrected ${worker.resurrections} times (cap ${command.maxResurrections})`,
      { workerId, resurrections: worker.resurrections, maxResurrections: command.maxResurrections },
    );
  }
  const failedAt = lastFailure?.at ?? null;
  if (failedAt !== null) {
    const readyAt = new Date(Date.parse(failedAt) + command.cooldownMs).toISOString();
    if (Date.parse(command.now) < Date.parse(readyAt)) {
      throw refuseWorker("resurrection_cooldown", `worker ${workerId} may be resurrected from ${readyAt}`, {
        workerId,
        failedAt,
        readyAt,
        now: command.now,
      });
    }
  }
  return [{ type: "WorkerResurrected", data: { attempt: worker.attempt + 1, reason: command.reason } }];
}

function evolve(state: WorkerState, event: Folded<WorkerEvent>): WorkerState {
  if (event.type === "WorkerSpawned") {
    return {
      workerId: event.data.workerId,
      colonyId: event.data.colonyId,
      persistent: event.data.persistent,
      status: "ready",
      attempt: 1,
      resurrections: 0,
      lastFailure: null,
      reportStatus: null,
    };
  }
  if (state === null) return state;
  switch (event.type) {
    case "WorkerQueued":
      return { ...state, status: "queued" };
    case "WorkerStarted":
      return { ...state, status: "running", attempt: event.data.attempt };
    case "WorkerReported":
      return { ...state, status: "reported", reportStatus: event.data.status };
    case "WorkerStopped":
      return { ...state, status: "stopped" };
    case "WorkerFailed":
      return {
        ...state,
        status: "failed",
        lastFailure: { error: event.data.error, fatal: event.data.fatal, at: event.metadata?.recordedAt ?? null },
      };
    case "WorkerResurrected":
      return { ...state, status: "ready", attempt: event.data.attempt, resurrections: state.resurrections + 1 };
    default:
      return state;
  }
}

export const workerDecider: Decider<WorkerCommand, WorkerState, WorkerEvent> = {
  initialState: null,
  evolve,
  decide,
};

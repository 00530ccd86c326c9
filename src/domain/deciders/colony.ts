import { z } from "zod";
import { colonyEvents } from "../events/colony.js";
import { Id, NonNegativeInt, PositiveInt, WorkerProfile } from "../events/fields.js";
import type { Decider, EventOf, Folded } from "./decider.js";
import { type CommandRefusedError, parseCommand, refuse } from "./refusal.js";

export type ColonyEvent = EventOf<keyof typeof colonyEvents>;

export type TriggerKind = Extract<ColonyEvent, { type: "TriggerRegistered" }>["data"]["kind"];

export interface ColonyTrigger {
  readonly triggerId: string;
  readonly kind: TriggerKind;
  readonly maxConcurrent: number;
  readonly maxResurrections: number;
}

export interface Colony {
  readonly colonyId: string;
  readonly name: string;
  readonly concurrencyHint: number | null;
  readonly triggers: ReadonlyMap<string, ColonyTrigger>;
  readonly timersPaused: boolean;
}

/** Null until the colony is created. */
export type ColonyState = Colony | null;

export const ColonyCommand = z.discriminatedUnion("type", [
  // Commands that carry an event's facts reuse its schema's fields, so the two cannot drift.
  z.strictObject({ type: z.literal("CreateColony"), ...colonyEvents.ColonyCreated.shape }),
  z.strictObject({ type: z.literal("UpdateWorkerProfile"), workerProfile: WorkerProfile }),
  /** The kind is the config's, so the two can never disagree in the log. */
  z.strictObject({
    type: z.literal("RegisterTrigger"),
    triggerId: Id,
    config: colonyEvents.TriggerRegistered.shape.config,
    maxConcurrent: PositiveInt,
    maxResurrections: NonNegativeInt,
    task: z.string(),
  }),
  z.strictObject({ type: z.literal("RemoveTrigger"), triggerId: Id }),
  z.strictObject({ type: z.literal("FireTrigger"), ...colonyEvents.TriggerFired.shape }),
  z.strictObject({ type: z.literal("PauseTimers"), reason: z.string() }),
  z.strictObject({ type: z.literal("ResumeTimers") }),
]);
export type ColonyCommand = z.output<typeof ColonyCommand>;

export function parseColonyCommand(input: unknown): ColonyCommand {
  return parseCommand(ColonyCommand, input);
}

export type ColonyRefusalCode =
  | "colony_not_found"
  | "colony_already_exists"
  | "trigger_already_registered"
  | "unknown_trigger"
  | "timers_paused";

const refuseColony: (
  code: ColonyRefusalCode,
  message: string,
  details?: Record<string, unknown>,
) => CommandRefusedError<ColonyRefusalCode> = refuse;

function requireTrigger(colony: Colony, triggerId: string): ColonyTrigger {
  const trigger = colony.triggers.get(triggerId);
  if (!trigger) {
    throw refuseColony("unknown_trigger", `colony ${colony.name} has no trigger ${triggerId}`, {
      colonyId: colony.colonyId,
      triggerId,
      knownTriggers: [...colony.triggers.keys()],
    });
  }
  return trigger;
}

function decide(command: ColonyCommand, state: ColonyState): ColonyEvent[] {
  if (command.type === "CreateColony") {
    if (state !== null) {
      throw refuseColony("colony_already_exists", `colony ${state.name} already exists`, {
        colonyId: state.colonyId,
        name: state.name,
      });
    }
    const { type: _type, ...data } = command;
    return [{ type: "ColonyCreated", data }];
  }
  if (state === null) throw refuseColony("colony_not_found", `${command.type}: the colony does not exist`);
  const colonyId = state.colonyId;
  switch (command.type) {
    case "UpdateWorkerProfile":
      return [{ type: "WorkerProfileUpdated", data: { workerProfile: command.workerProfile } }];
    case "RegisterTrigger": {
      if (state.triggers.has(command.triggerId)) {
        throw refuseColony(
          "trigger_already_registered",
          `colony ${state.name} already has trigger ${command.triggerId}`,
          {
            colonyId,
            triggerId: command.triggerId,
          },
        );
      }
      const { type: _type, ...rest } = command;
      return [{ type: "TriggerRegistered", data: { ...rest, kind: command.config.kind } }];
    }
    case "RemoveTrigger":
      requireTrigger(state, command.triggerId);
      return [{ type: "TriggerRemoved", data: { triggerId: command.triggerId } }];
    case "FireTrigger": {
      const trigger = requireTrigger(state, command.triggerId);
      // Pausing stops the clock, not people: webhook, api and manual firings still go through.
      if (trigger.kind === "timer" && state.timersPaused) {
        throw refuseColony("timers_paused", `colony ${state.name} has its timers paused`, {
          colonyId,
          triggerId: trigger.triggerId,
        });
      }
      const { type: _type, ...data } = command;
      return [{ type: "TriggerFired", data }];
    }
    // Pause and resume are toggles people press twice; the second press changes nothing.
    case "PauseTimers":
      return state.timersPaused ? [] : [{ type: "TimersPaused", data: { reason: command.reason } }];
    case "ResumeTimers":
      return state.timersPaused ? [{ type: "TimersResumed", data: {} }] : [];
  }
}

function evolve(state: ColonyState, event: Folded<ColonyEvent>): ColonyState {
  if (event.type === "ColonyCreated") {
    return {
      colonyId: event.data.colonyId,
      name: event.data.name,
      concurrencyHint: event.data.concurrencyHint,
      triggers: new Map(),
      timersPaused: false,
    };
  }
  if (state === null) return state;
  switch (event.type) {
    case "TriggerRegistered": {
      const triggers = new Map(state.triggers);
      const { triggerId, kind, maxConcurrent, maxResurrections } = event.data;
      triggers.set(triggerId, { triggerId, kind, maxConcurrent, maxResurrections });
      return { ...state, triggers };
    }
    case "TriggerRemoved": {
      const triggers = new Map(state.triggers);
      triggers.delete(event.data.triggerId);
      return { ...state, triggers };
    }
    case "TimersPaused":
      return { ...state, timersPaused: true };
    case "TimersResumed":
      return { ...state, timersPaused: false };
    default:
      return state;
  }
}

export const colonyDecider: Decider<ColonyCommand, ColonyState, ColonyEvent> = {
  initialState: null,
  evolve,
  decide,
};

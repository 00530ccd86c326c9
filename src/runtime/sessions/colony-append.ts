import { type ColonyCommand, type ColonyEvent, type ColonyState, colonyDecider } from "../../domain/deciders/colony.js";
import { refuse } from "../../domain/deciders/refusal.js";
import type { StreamAppend } from "../../domain/ports/event-store.js";
import { colonyStreamId, type LoadedColonyTriggers } from "../triggers/trigger-definitions.js";
import { type ColonySpawnRequest, registerTriggerCommands, type WorkerProfileData } from "./colony-spawn-input.js";
import { type SessionContext, withMetadata } from "./session-context.js";

export interface ColonyAppend {
  readonly append: StreamAppend;
  /** True when this append creates the colony. */
  readonly isNew: boolean;
}

/**
 * The colony stream's part of a spawn, decided by the colony decider on the stream as read:
 * ColonyCreated for a new colony, WorkerProfileUpdated for an existing one (the original rewrote
 * the worker config on every spawn), then the triggers. A concurrency hint only takes effect on
 * creation: no event changes an existing colony's. Expects the version `loaded` was read at.
 */
export function colonyAppend(
  context: SessionContext,
  request: ColonySpawnRequest,
  loaded: LoadedColonyTriggers,
  colonyId: string,
  sourceSessionId: string,
  profile: WorkerProfileData,
): ColonyAppend {
  if (loaded.colony !== null && loaded.colony.name !== request.colonyName) {
    throw refuse("colony_already_exists", `colony id ${colonyId} belongs to colony ${loaded.colony.name}`, {
      colonyId,
      name: loaded.colony.name,
    });
  }
  let state: ColonyState = loaded.colony;
  const events: ColonyEvent[] = [];
  const apply = (command: ColonyCommand) => {
    for (const event of colonyDecider.decide(command, state)) {
      state = colonyDecider.evolve(state, event);
      events.push(event);
    }
  };
  if (state === null) {
    apply({
      type: "CreateColony",
      colonyId,
      name: request.colonyName,
      sourceSessionId,
      workerProfile: profile,
      concurrencyHint: request.concurrencyHint ?? null,
    });
  } else {
    apply({ type: "UpdateWorkerProfile", workerProfile: profile });
  }
  for (const command of registerTriggerCommands(request)) apply(command);
  return {
    append: {
      streamId: colonyStreamId(colonyId),
      events: withMetadata(context, events),
      expectedVersion: loaded.version,
    },
    isNew: loaded.colony === null,
  };
}

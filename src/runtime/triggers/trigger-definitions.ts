import { type ColonyEvent, type ColonyState, colonyDecider } from "../../domain/deciders/colony.js";
import type { Folded } from "../../domain/deciders/decider.js";
import type { RecordedEvent } from "../../domain/envelope.js";
import type { StreamRevision } from "../../domain/errors.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import { streamId } from "../../domain/stream-id.js";
import { CachedStreamFold } from "../stream-fold.js";

type Registered = Extract<ColonyEvent, { type: "TriggerRegistered" }>["data"];
export type TriggerConfig = Registered["config"];
export type TimerConfig = Extract<TriggerConfig, { kind: "timer" }>;
export type WebhookConfig = Extract<TriggerConfig, { kind: "webhook" }>;
export type FiredData = Extract<ColonyEvent, { type: "TriggerFired" }>["data"];

/**
 * A registered trigger as the service needs it. The colony decider's state keeps only what its
 * rules need (kind, caps), not the config (interval, route, secret reference), so the service
 * folds the definitions itself from the same events.
 */
export type TriggerDefinition = Registered;

export interface ColonyTriggers {
  /** The colony decider's own state (null when the colony does not exist). */
  readonly colony: ColonyState;
  readonly definitions: ReadonlyMap<string, TriggerDefinition>;
}

export const colonyStreamId = (colonyId: string): string => streamId("colony", colonyId);

export const noColonyTriggers: ColonyTriggers = { colony: colonyDecider.initialState, definitions: new Map() };

/** Folds one event of the colony's stream; pure (a changed definition set is a new map). */
export function evolveColonyTriggers(triggers: ColonyTriggers, event: RecordedEvent): ColonyTriggers {
  const folded = event as unknown as Folded<ColonyEvent>;
  const colony = colonyDecider.evolve(triggers.colony, folded);
  let definitions = triggers.definitions;
  if (folded.type === "TriggerRegistered") {
    definitions = new Map(definitions).set(folded.data.triggerId, folded.data);
  } else if (folded.type === "TriggerRemoved") {
    const fewer = new Map(definitions);
    fewer.delete(folded.data.triggerId);
    definitions = fewer;
  }
  return { colony, definitions };
}

/** The colony's triggers with the version of its stream they were read at. */
export type LoadedColonyTriggers = ColonyTriggers & { readonly version: StreamRevision };

/** A fold of the colony's stream that a service keeps: each load reads only what is new. */
export function colonyTriggersFold(store: EventStore, colonyId: string): CachedStreamFold<ColonyTriggers> {
  return new CachedStreamFold(store, colonyStreamId(colonyId), evolveColonyTriggers, noColonyTriggers);
}

export async function loadColonyTriggers(store: EventStore, colonyId: string): Promise<LoadedColonyTriggers> {
  const { state, version } = await colonyTriggersFold(store, colonyId).load();
  return { ...state, version };
}

/**
 * Reads the colony's stream whole; `onFired` sees each TriggerFired with the definition its
 * trigger had at that point of the stream.
 */
export async function eachFiring(
  store: EventStore,
  colonyId: string,
  onFired: (fired: FiredData, definition: TriggerDefinition | undefined) => void,
): Promise<void> {
  let triggers = noColonyTriggers;
  for await (const event of store.readStream(colonyStreamId(colonyId))) {
    triggers = evolveColonyTriggers(triggers, event);
    const folded = event as unknown as Folded<ColonyEvent>;
    if (folded.type === "TriggerFired") onFired(folded.data, triggers.definitions.get(folded.data.triggerId));
  }
}

import { type ColonyEvent, type ColonyState, colonyDecider } from "../../domain/deciders/colony.js";
import type { Folded } from "../../domain/deciders/decider.js";
import type { StreamRevision } from "../../domain/errors.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import { streamId } from "../../domain/stream-id.js";

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
  readonly version: StreamRevision;
}

export const colonyStreamId = (colonyId: string): string => streamId("colony", colonyId);

/**
 * Folds the colony's stream into the decider's state and the trigger definitions. `onFired` sees
 * each TriggerFired with the definition its trigger had at that point of the stream.
 */
export async function loadColonyTriggers(
  store: EventStore,
  colonyId: string,
  onFired?: (fired: FiredData, definition: TriggerDefinition | undefined) => void,
): Promise<ColonyTriggers> {
  let colony = colonyDecider.initialState;
  let version: StreamRevision = "no_stream";
  const definitions = new Map<string, TriggerDefinition>();
  for await (const event of store.readStream(colonyStreamId(colonyId))) {
    const folded = event as unknown as Folded<ColonyEvent>;
    colony = colonyDecider.evolve(colony, folded);
    version = event.version;
    if (folded.type === "TriggerRegistered") definitions.set(folded.data.triggerId, folded.data);
    else if (folded.type === "TriggerRemoved") definitions.delete(folded.data.triggerId);
    else if (folded.type === "TriggerFired") onFired?.(folded.data, definitions.get(folded.data.triggerId));
  }
  return { colony, definitions, version };
}

import { colonyDecider } from "../../src/domain/deciders/colony.js";
import type { RecordedEvent } from "../../src/domain/envelope.js";
import type { EventStore } from "../../src/domain/ports/event-store.js";
import { streamId } from "../../src/domain/stream-id.js";
import { handleCommand } from "../../src/runtime/command-handler.js";

export const COLONY_ID = "c1";

export async function createColony(store: EventStore, colonyId = COLONY_ID): Promise<void> {
  await handleCommand(store, colonyDecider, streamId("colony", colonyId), {
    type: "CreateColony",
    colonyId,
    name: "triggers",
    sourceSessionId: null,
    workerProfile: { systemPrompt: "", toolNames: [], loopConfig: {}, inputData: {} },
    concurrencyHint: null,
  });
}

export async function readStream(store: EventStore, id: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(id)) events.push(event);
  return events;
}

/** Every event of one type in the whole log, in log order. */
export async function eventsOfType(store: EventStore, type: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) if (event.type === type) events.push(event);
  return events;
}

/** Ids for tests: readable and in order, unique within one generator. */
export function sequentialIds(prefix = "id"): { uuid(): string } {
  let n = 0;
  return { uuid: () => `${prefix}-${++n}` };
}

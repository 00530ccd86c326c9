import type { StreamAppend } from "../ports/event-store.js";
import { streamId } from "../stream-id.js";
import { type ColonyCommand, colonyDecider } from "./colony.js";
import { planTaskSeed, type SeedOptions, type SeedPlan } from "./task-seed.js";

export type CreateColony = Extract<ColonyCommand, { type: "CreateColony" }>;

/**
 * A colony created with its seeded tasks: the colony stream's ColonyCreated and one TaskSeeded
 * stream per task, every stream expected not to exist. Given to one `appendMany`, they land
 * together or not at all, and an invalid task refuses the whole plan before anything is written.
 */
export function planColonyCreation(command: CreateColony, tasks: unknown, options: SeedOptions): SeedPlan {
  const colonyEvents = colonyDecider.decide(command, colonyDecider.initialState);
  const seed = planTaskSeed(command.colonyId, tasks, options);
  const colony: StreamAppend = {
    streamId: streamId("colony", command.colonyId),
    events: colonyEvents,
    expectedVersion: "no_stream",
  };
  return { taskIds: seed.taskIds, appends: [colony, ...seed.appends] };
}

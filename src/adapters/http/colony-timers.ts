import type { ColonyHost } from "./colony-host.js";
import { sessionApiOf } from "./sessions/session-api.js";

/**
 * Starts the timers of every colony that has a live timer trigger, as a long-running server
 * should: a timer fires only in a process that runs its TriggerService. Returns the colonies
 * started. Without a model nothing is started (a firing's worker could not think).
 */
export async function startColonyTimers(host: ColonyHost): Promise<string[]> {
  if (!host.options.model) return [];
  const rows = await host.readModels
    .selectFrom("triggers")
    .select("colony_id")
    .distinct()
    .where("kind", "=", "timer")
    .where("removed_at", "is", null)
    .execute();
  const colonies = rows.map((r) => String(r.colony_id));
  for (const colonyId of colonies) await (await sessionApiOf(host).work.triggers(colonyId)).start();
  return colonies;
}

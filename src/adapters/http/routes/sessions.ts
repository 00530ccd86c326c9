import type { ColonyHost } from "../colony-host.js";
import type { AnyRoute } from "../route.js";
import { colonyRoutes } from "../sessions/colony-routes.js";
import { sessionApiOf } from "../sessions/session-api.js";
import { queenRoutes } from "../sessions/session-routes.js";
import { workerRoutes } from "../sessions/worker-routes.js";

/**
 * The session routes of the command API, with the original runtime's meanings and field names:
 * the queen's session (start, read, chat, queen-context, cancel-queen), its colony life
 * (colony-spawn, mark-colony-spawned, compact-and-fork, goal-progress) and the colony's workers
 * (trigger, inject, pause, resume, stop, replay).
 */
export function sessionRoutes(host: ColonyHost): AnyRoute[] {
  const api = sessionApiOf(host);
  return [...queenRoutes(api), ...colonyRoutes(api), ...workerRoutes(api)];
}

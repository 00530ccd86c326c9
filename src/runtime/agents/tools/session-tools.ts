import { z } from "zod";
import { colonySpawn } from "../../sessions/colony-spawn.js";
import type { ColonySpawnInput } from "../../sessions/colony-spawn-input.js";
import type { SessionContext } from "../../sessions/session-context.js";
import { defineTool, jsonResult, type Tool } from "../tool.js";

// Module-level, so each tool's JSON schema is converted once however many agents are built.
const ColonySpawnToolInput = z.strictObject({ colony_name: z.string(), tasks: z.array(z.unknown()).min(1) });

/**
 * colony_spawn as the session queen's tool: her conversation forked into a new colony and
 * compacted, its tasks seeded, this session locked (sessions/colony-spawn.ts). `profile`
 * overrides parts of the colony's worker profile (where its shared files are, its loop's limits).
 */
export function colonySpawnTool(
  context: SessionContext,
  sessionId: string,
  profile: ColonySpawnInput["workerProfile"] = {},
): Tool {
  return defineTool({
    name: "colony_spawn",
    description:
      "Create a colony from this conversation with a queue of tasks; this session then hands the work to it.",
    queenOnly: true,
    input: ColonySpawnToolInput,
    run: async ({ colony_name, tasks }) => {
      const spawned = await colonySpawn(context, sessionId, {
        colonyName: colony_name,
        tasks,
        workerProfile: profile,
      });
      return jsonResult({
        colony_name: spawned.colonyName,
        colony_id: spawned.colonyId,
        session_id: spawned.queenSessionId,
        task_count: spawned.taskIds.length,
        compaction: spawned.compactionStatus,
      });
    },
  });
}

import { ToolRegistry } from "../../../runtime/agents/tool.js";
import { colonyToolKit } from "../../../runtime/agents/tool-kit.js";
import { fileTools } from "../../../runtime/agents/tools/file-tools.js";
import { colonySpawnTool } from "../../../runtime/agents/tools/session-tools.js";
import { DelegationService } from "../../../runtime/delegation/delegation-service.js";
import type { ParentTurns } from "../../../runtime/delegation/parent-turns.js";
import type { ColonyHost } from "../colony-host.js";
import type { ColonyWork } from "./colony-work.js";
import type { QueenSeat } from "./queen-turns.js";
import { requireSession } from "./session-lookup.js";

/**
 * The queen's tools, by the session she is in. In the person's session (no colony yet) she reads
 * files and may colony-spawn; in a colony's session she runs the colony: seeds its queue, spawns
 * workers that fork her conversation, waits for their reports, and delegates in the background
 * (the session's delegations, delivered to her as turns of their own).
 */
export async function queenSeat(
  host: ColonyHost,
  work: ColonyWork,
  sessionId: string,
  parent: ParentTurns,
): Promise<QueenSeat> {
  const row = await requireSession(host, sessionId);
  const base = { agentId: row.queen_id, conversationId: row.conversation_id };
  const colonyId = row.colony_id;
  if (colonyId === null) {
    const tools = new ToolRegistry([...fileTools(work.filesRoot), colonySpawnTool(host.sessions, sessionId)]);
    return { ...base, tools, close: async () => {} };
  }
  const runtime = await host.runtime(colonyId);
  const { conversations, ids } = host;
  const delegations = await DelegationService.open({
    store: host.db.events,
    conversations,
    runtime,
    parent,
    sessionId,
    ids,
  });
  const kit = colonyToolKit({
    filesRoot: work.filesRoot,
    ledger: host.ledger,
    colonyId,
    queen: {
      spawn: { runtime, conversations, ids, brain: work.brain(colonyId), parentSessionId: sessionId },
      delegations,
    },
  });
  return { ...base, tools: kit.queen, close: () => delegations.close() };
}

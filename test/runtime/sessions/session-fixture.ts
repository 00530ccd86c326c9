import type { LlmProvider } from "../../../src/domain/ports/llm-provider.js";
import type { ReadModels } from "../../../src/projections/read-models.js";
import { TaskLedger } from "../../../src/runtime/ledger/task-ledger.js";
import { QueenSessions } from "../../../src/runtime/sessions/queen-sessions.js";
import { compactionWorlds, LIMITS, TIMEOUT_MS, turnsOf } from "../compaction/compaction-fixture.js";

export { LIMITS, TIMEOUT_MS };

/**
 * A SQLite file with every projection inline, queen sessions over it with a compactor on the
 * given provider (manual clock and timers), and the task ledger to read the seeded tasks back.
 * `queenSession(turns)` starts a session whose conversation has that many exchanges.
 */
export function sessionWorlds() {
  const open = compactionWorlds();
  return async (provider: LlmProvider | null) => {
    const { db, time, ids, conversations, compactor } = await open({ provider });
    const sessions = new QueenSessions({
      events: db.events,
      readModels: db.readModels as never,
      conversations,
      compactor,
      ids,
    });
    const ledger = new TaskLedger<ReadModels>(db, { clock: time, ids });
    const queenSession = async (turns: number, queenId = "charlotte") => {
      const started = await sessions.startSession({ queenId, systemPrompt: "You are the queen.", limits: LIMITS });
      if (turns > 0) await conversations.append(started.conversationId, ...turnsOf(turns));
      return started;
    };
    const streamEvents = async (streamId: string) => {
      const events: { type: string; data: Record<string, unknown> }[] = [];
      for await (const e of db.events.readStream(streamId)) {
        events.push({ type: e.type, data: e.data as Record<string, unknown> });
      }
      return events;
    };
    const sessionRow = (id: string) =>
      db.readModels.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    return { db, time, ids, conversations, compactor, sessions, ledger, queenSession, streamEvents, sessionRow };
  };
}

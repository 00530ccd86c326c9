import { z } from "zod";
import { parseSessionCommand, sessionDecider } from "../../../domain/deciders/session.js";
import { ColonyName, Id, NonNegativeInt } from "../../../domain/events/fields.js";
import { handleCommand } from "../../../runtime/command-handler.js";
import { colonySpawn } from "../../../runtime/sessions/colony-spawn.js";
import { compactAndFork } from "../../../runtime/sessions/compact-and-fork.js";
import { sessionStreamId } from "../../../runtime/sessions/load-session.js";
import { ApiError } from "../api-error.js";
import { type AnyRoute, defineRoute } from "../route.js";
import { ColonySpawnBody, colonySpawnInput } from "./colony-spawn-body.js";
import { GoalProgress, goalProgress } from "./goal-progress.js";
import type { SessionApi } from "./session-api.js";
import { inApiTerms, lockedError, requireColony, requireSession, requireUnlocked } from "./session-lookup.js";
import { SessionParams } from "./session-view.js";

const tags = ["sessions"];

/** The session's colony life: spawn one from it, mark it spawned, fork a fresh session, read the colony's progress. */
export function colonyRoutes(api: SessionApi): AnyRoute[] {
  const { host } = api;
  return [
    defineRoute({
      method: "POST",
      path: "/api/sessions/:session_id/colony-spawn",
      operationId: "colonySpawn",
      summary:
        "Fork the queen's conversation into a colony (compacted), with its tasks and triggers; the session is locked",
      tags,
      params: SessionParams,
      body: ColonySpawnBody,
      response: z.strictObject({
        colony_id: Id,
        colony_name: z.string(),
        /** False when the tasks went into a colony of that name made earlier. */
        is_new: z.boolean(),
        /** The colony queen's own session, forked from this one. */
        queen_session_id: Id,
        source_session_id: Id,
        conversation_id: Id,
        task_ids: z.array(Id),
        /** skipped: the conversation had nothing to compact. */
        compaction_status: z.enum(["compacted", "skipped"]),
      }),
      errors: [404, 409, 422],
      handler: async ({ params, body }) => {
        const row = await requireSession(host, params.session_id);
        // Refused before the summary is paid for.
        requireUnlocked(row);
        const spawned = await colonySpawn(host.sessions, row.id, colonySpawnInput(body)).catch((error: unknown) => {
          throw inApiTerms(error, row.id);
        });
        return {
          colony_id: spawned.colonyId,
          colony_name: spawned.colonyName,
          is_new: spawned.isNew,
          queen_session_id: spawned.queenSessionId,
          source_session_id: spawned.sourceSessionId,
          conversation_id: spawned.conversationId,
          task_ids: [...spawned.taskIds],
          compaction_status: spawned.compactionStatus,
        };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:session_id/mark-colony-spawned",
      operationId: "markColonySpawned",
      summary: "Lock the session for a colony spawned from it elsewhere (again for the same colony: no change)",
      tags,
      params: SessionParams,
      body: z.strictObject({ colony_name: ColonyName }),
      response: z.strictObject({
        session_id: Id,
        colony_spawned: z.literal(true),
        spawned_colony_name: z.string(),
        colony_id: Id,
      }),
      errors: [404, 409],
      handler: async ({ params, body }) => {
        const row = await requireSession(host, params.session_id);
        const colony = await host.readModels
          .selectFrom("colonies")
          .select(["id", "name"])
          .where("name", "=", body.colony_name)
          .orderBy("created_at")
          .executeTakeFirst();
        if (!colony) {
          throw new ApiError(404, "colony_not_found", `no colony named ${body.colony_name}`, {
            colony_name: body.colony_name,
          });
        }
        const answer = {
          session_id: row.id,
          colony_spawned: true as const,
          spawned_colony_name: colony.name as string,
          colony_id: colony.id as string,
        };
        // The frontend marks a session its queen already locked by spawning: that is no change.
        if (row.locked === 1 && row.spawned_colony_id === colony.id) return answer;
        if (row.locked === 1) throw lockedError(row);
        await handleCommand(
          host.db.events,
          sessionDecider,
          sessionStreamId(row.id),
          parseSessionCommand({ type: "LockSession", colonyId: colony.id, colonyName: colony.name }),
        ).catch((error: unknown) => {
          throw inApiTerms(error, row.id);
        });
        return answer;
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:session_id/compact-and-fork",
      operationId: "compactAndFork",
      summary: "A new session with the same queen, on a compacted fork of this one's conversation",
      tags,
      params: SessionParams,
      body: z.strictObject({ keep_last: NonNegativeInt.optional() }).optional(),
      response: z.strictObject({
        new_session_id: Id,
        queen_id: Id,
        compacted_from: Id,
        conversation_id: Id,
        summary_chars: z.number().int(),
        messages_compacted: z.number().int(),
        method: z.enum(["llm", "extractive"]),
        /** Why the extractive summary stood in for the model's; null when the model wrote it. */
        fallback_reason: z.string().nullable(),
      }),
      errors: [404, 422],
      handler: async ({ params, body }) => {
        const row = await requireSession(host, params.session_id);
        const forked = await compactAndFork(host.sessions, row.id, {
          ...(body?.keep_last !== undefined ? { keepLast: body.keep_last } : {}),
        });
        return {
          new_session_id: forked.newSessionId,
          queen_id: forked.queenId,
          compacted_from: forked.compactedFrom,
          conversation_id: forked.conversationId,
          summary_chars: forked.summaryChars,
          messages_compacted: forked.messagesCompacted,
          method: forked.method,
          fallback_reason: forked.fallbackReason,
        };
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/sessions/:session_id/goal-progress",
      operationId: "goalProgress",
      summary: "The colony's progress from its ledger: tasks by status, each task's steps and open SOP items",
      tags,
      params: SessionParams,
      response: GoalProgress,
      errors: [404, 409],
      handler: async ({ params }) => {
        const row = requireColony(await requireSession(host, params.session_id));
        return goalProgress(host, row.id, row.colony_id);
      },
    }),
  ];
}

import { z } from "zod";
import { Id } from "../../../domain/events/fields.js";
import { replay } from "../../../runtime/agents/replay/replay.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { SessionApi } from "./session-api.js";
import { requireColony, requireSession } from "./session-lookup.js";
import { SessionParams } from "./session-view.js";
import { CheckpointId, checkpointVersion, requireWorker, workerIdOf, workerReference } from "./worker-targets.js";

const Report = z.strictObject({ status: z.string().nullable(), summary: z.string().nullable() });

/**
 * Replay a worker from a checkpoint (DESIGN §4) and answer with the outcome: `recorded` answers the
 * model and the tools from the original run (no token, no side effect again) and lists where the
 * replay parts from it; `live` calls the model again. The request waits for the replay's report.
 */
export function replayRoute(api: SessionApi): AnyRoute {
  const { host, work } = api;
  return defineRoute({
    method: "POST",
    path: "/api/sessions/:session_id/replay",
    operationId: "replay",
    summary: "Run a worker again from a checkpoint of its conversation, from the record or on the model",
    tags: ["sessions"],
    params: SessionParams,
    body: z
      .strictObject({
        worker_id: Id.optional(),
        /** The original's name for the worker's run. */
        session_id: Id.optional(),
        /** Default: the worker's task message, the whole run again. */
        checkpoint_id: CheckpointId.optional(),
        mode: z.enum(["recorded", "live"]).default("recorded"),
      })
      .superRefine(workerReference("session_id")),
    response: z.strictObject({
      /** The replay's own worker. */
      execution_id: Id,
      worker_id: Id,
      replayed_from: Id,
      checkpoint_id: z.number().int(),
      mode: z.enum(["recorded", "live"]),
      conversation_id: Id,
      /** Same status and summary as the original, with no divergence on the way. */
      reproduced: z.boolean(),
      divergences: z.array(
        z.strictObject({
          call: z.number().int(),
          kind: z.enum(["model", "tool"]),
          recorded: z.unknown(),
          now: z.unknown(),
          message: z.string(),
        }),
      ),
      report: Report.extend({ error: z.string().nullable() }),
      original: Report,
    }),
    errors: [404, 409],
    handler: async ({ params, body }) => {
      const row = requireColony(await requireSession(host, params.session_id));
      const worker = await requireWorker(host, row.colony_id, workerIdOf(body.worker_id, body.session_id));
      const model = body.mode === "live" ? work.model("a live replay") : undefined;
      const fromVersion =
        body.checkpoint_id === undefined ? undefined : await checkpointVersion(host, worker, body.checkpoint_id);
      const outcome = await replay(
        {
          runtime: await host.runtime(row.colony_id),
          conversations: host.conversations,
          readModels: host.readModels,
          ids: host.ids,
          tools: work.workerTools(row.colony_id),
          ...(model ? { model } : {}),
        },
        worker.id,
        { mode: body.mode, ...(fromVersion !== undefined ? { fromVersion } : {}) },
      );
      return {
        execution_id: outcome.workerId,
        worker_id: outcome.workerId,
        replayed_from: outcome.originalWorkerId,
        checkpoint_id: outcome.fromVersion,
        mode: outcome.mode,
        conversation_id: outcome.conversationId,
        reproduced: outcome.reproduced,
        divergences: outcome.divergences.map((d) => ({ ...d })),
        report: { status: outcome.report.status, summary: outcome.report.summary, error: outcome.report.error },
        original: outcome.original,
      };
    },
  });
}

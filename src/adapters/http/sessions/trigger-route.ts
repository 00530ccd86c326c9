import { z } from "zod";
import { ColonyError } from "../../../domain/errors.js";
import { Id, JsonObject } from "../../../domain/events/fields.js";
import { ApiError } from "../api-error.js";
import type { ColonyHost } from "../colony-host.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { SessionApi } from "./session-api.js";
import { requireColony, requireSession, switchPhase } from "./session-lookup.js";
import { SessionParams } from "./session-view.js";

/** The original's default entry point, when a request names none. */
const DEFAULT_ENTRY_POINT = "default";

const firstHeader = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

const webhookOnly = (colonyId: string, triggerId: string, message?: string) =>
  new ApiError(
    422,
    "webhook_requires_signature",
    message ??
      `trigger ${triggerId} of colony ${colonyId} is a webhook: it fires only through its signed webhook route`,
    { colony_id: colonyId, trigger_id: triggerId },
  );

/**
 * What the trigger service would refuse, read from the read models first: a refused request must
 * not open the colony's runtime, whose start takes over unfinished workers with events of its own.
 */
async function requireFirable(host: ColonyHost, colonyId: string, triggerId: string): Promise<void> {
  const [triggers, colony] = await Promise.all([
    host.readModels
      .selectFrom("triggers")
      .select(["id", "kind"])
      .where("colony_id", "=", colonyId)
      .where("removed_at", "is", null)
      .orderBy("id")
      .execute(),
    host.readModels.selectFrom("colonies").select("timers_paused").where("id", "=", colonyId).executeTakeFirst(),
  ]);
  const trigger = triggers.find((t) => t.id === triggerId);
  if (!trigger) {
    throw new ApiError(404, "unknown_trigger", `colony ${colonyId} has no trigger ${triggerId}`, {
      colony_id: colonyId,
      trigger_id: triggerId,
      known_triggers: triggers.map((t) => t.id),
    });
  }
  if (trigger.kind === "webhook") throw webhookOnly(colonyId, triggerId);
  if (trigger.kind === "timer" && colony?.timers_paused === 1) {
    throw new ApiError(
      422,
      "timers_paused",
      `colony ${colonyId} has its timers paused: resume them to fire ${triggerId}`,
      {
        colony_id: colonyId,
        trigger_id: triggerId,
      },
    );
  }
}

/** POST .../trigger: fire one of the colony's triggers by hand, as the original's entry points. */
export function triggerRoute(api: SessionApi): AnyRoute {
  const { host, work } = api;
  return defineRoute({
    method: "POST",
    path: "/api/sessions/:session_id/trigger",
    operationId: "trigger",
    summary: "Fire an api, manual or timer trigger of the colony: a worker starts on its task with the input",
    tags: ["sessions"],
    params: SessionParams,
    body: z
      .strictObject({
        /** The original's name for the trigger. */
        entry_point_id: Id.optional(),
        trigger_id: Id.optional(),
        input_data: JsonObject.optional(),
        /** A retry with the same key (within five minutes) answers with the first firing's worker. */
        idempotency_key: z.string().min(1).max(200).optional(),
      })
      .refine((b) => !(b.trigger_id && b.entry_point_id && b.trigger_id !== b.entry_point_id), {
        message: "names another trigger than entry_point_id",
        path: ["trigger_id"],
      }),
    response: z.strictObject({
      /** The original's name for the worker started. */
      execution_id: Id,
      worker_id: Id,
      firing_id: Id.nullable(),
      trigger_id: Id,
      /** spawned: a new firing; replayed: the key's first firing; recovered: its worker started now. */
      outcome: z.enum(["spawned", "replayed", "recovered"]),
    }),
    errors: [404, 409, 422],
    handler: async ({ params, body, headers }) => {
      const row = requireColony(await requireSession(host, params.session_id));
      const triggerId = body.trigger_id ?? body.entry_point_id ?? DEFAULT_ENTRY_POINT;
      await requireFirable(host, row.colony_id, triggerId);
      work.model("a triggered worker");
      const key = body.idempotency_key ?? firstHeader(headers["idempotency-key"]) ?? null;
      const service = await work.triggers(row.colony_id);
      const fired = await service
        .fire(triggerId, { inputData: body.input_data ?? {}, idempotencyKey: key })
        .catch((error: unknown) => {
          // A trigger made a webhook meanwhile: not an authentication failure of this request.
          if (error instanceof ColonyError && error.code === "webhook_requires_signature") {
            throw webhookOnly(row.colony_id, triggerId, error.message);
          }
          throw error;
        });
      if (fired.outcome !== "replayed") await switchPhase(host, row.id, "working");
      return {
        execution_id: fired.workerId,
        worker_id: fired.workerId,
        firing_id: fired.firingId,
        trigger_id: triggerId,
        outcome: fired.outcome,
      };
    },
  });
}

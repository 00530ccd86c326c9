import { z } from "zod";
import { Id } from "../../../domain/events/fields.js";
import { type AnyRoute, defineRoute } from "../route.js";
import { replayRoute } from "./replay-route.js";
import type { SessionApi } from "./session-api.js";
import { requireColony, requireSession, switchPhase } from "./session-lookup.js";
import { SessionParams } from "./session-view.js";
import { triggerRoute } from "./trigger-route.js";
import {
  CheckpointId,
  checkpointVersion,
  latestCheckpoint,
  requireWorker,
  resumeWorker,
  workerIdOf,
  workerNotRunning,
  workerReference,
} from "./worker-targets.js";

const tags = ["sessions"];

/** The colony's workers, from its queen's session: fire, inject, pause, resume, stop, replay. */
export function workerRoutes(api: SessionApi): AnyRoute[] {
  const { host, work } = api;
  const colonyOf = async (sessionId: string) => requireColony(await requireSession(host, sessionId));
  // A reported worker is refused before the colony's runtime is opened: opening it takes over
  // the colony's unfinished workers with events, which a refused request must not cause.
  const requireLiveWorker = async (colonyId: string, workerId: string) => {
    const worker = await requireWorker(host, colonyId, workerId);
    if (worker.status === "reported") throw workerNotRunning(worker);
    return worker;
  };
  return [
    triggerRoute(api),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:session_id/inject",
      operationId: "inject",
      summary: "Leave a message for a running worker: it reads it at its next turn boundary",
      tags,
      params: SessionParams,
      body: z
        .strictObject({ worker_id: Id.optional(), node_id: Id.optional(), content: z.string().min(1) })
        .superRefine(workerReference("node_id")),
      response: z.strictObject({ delivered: z.literal(true), worker_id: Id }),
      errors: [404, 409],
      handler: async ({ params, body }) => {
        const row = await colonyOf(params.session_id);
        const worker = await requireLiveWorker(row.colony_id, workerIdOf(body.worker_id, body.node_id));
        const runtime = await host.runtime(row.colony_id);
        if (!runtime.inject(worker.id, body.content)) throw workerNotRunning(worker);
        return { delivered: true as const, worker_id: worker.id };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:session_id/pause",
      operationId: "pause",
      summary: "Pause the colony: its timers stop firing and its running workers are stopped (the queen goes on)",
      tags,
      params: SessionParams,
      response: z.strictObject({
        stopped: z.literal(true),
        /** The workers this pause stopped. */
        cancelled: z.array(Id),
        /** Always empty: every stop is waited for. Kept for the original's clients. */
        cancelling: z.array(Id),
        timers_paused: z.literal(true),
      }),
      errors: [404, 409],
      handler: async ({ params }) => {
        const row = await colonyOf(params.session_id);
        const [service, runtime] = await Promise.all([work.triggers(row.colony_id), host.runtime(row.colony_id)]);
        // Timers first, so no tick starts a worker while the running ones are being stopped.
        await service.pauseTimers("paused by request");
        const reports = await runtime.stopAll({ reason: "paused by request" });
        await switchPhase(host, row.id, "reviewing");
        return {
          stopped: true as const,
          cancelled: reports.filter((r) => r.status === "stopped").map((r) => r.workerId),
          cancelling: [],
          timers_paused: true as const,
        };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:session_id/resume",
      operationId: "resume",
      summary: "Resume the colony's timers; with a worker, take its work up again from a checkpoint on the model",
      tags,
      params: SessionParams,
      body: z
        .strictObject({
          worker_id: Id.optional(),
          /** The original's name for the worker's run. */
          session_id: Id.optional(),
          /** Default: the last checkpoint marked in the worker's conversation. */
          checkpoint_id: CheckpointId.optional(),
        })
        .refine((b) => !(b.worker_id && b.session_id && b.worker_id !== b.session_id), {
          message: "names another worker than worker_id",
          path: ["session_id"],
        })
        .optional(),
      response: z.strictObject({
        timers_resumed: z.literal(true),
        /** The new worker, when one was resumed. */
        execution_id: Id.nullable(),
        worker_id: Id.nullable(),
        resumed_from: Id.nullable(),
        checkpoint_id: z.number().int().nullable(),
      }),
      errors: [404, 409],
      handler: async ({ params, body }) => {
        const row = await colonyOf(params.session_id);
        const workerId = body?.worker_id ?? body?.session_id;
        // Everything that can refuse is checked before the first append.
        let from: { worker: Awaited<ReturnType<typeof requireWorker>>; version: number } | null = null;
        if (workerId !== undefined) {
          const worker = await requireWorker(host, row.colony_id, workerId);
          work.model("resuming a worker");
          const checkpoint = body?.checkpoint_id;
          const version =
            checkpoint === undefined
              ? await latestCheckpoint(host, worker)
              : await checkpointVersion(host, worker, checkpoint);
          from = { worker, version };
        }
        await (await work.triggers(row.colony_id)).resumeTimers();
        const resumed = from ? await resumeWorker(host, work, row.id, from.worker, from.version) : null;
        return {
          timers_resumed: true as const,
          execution_id: resumed,
          worker_id: resumed,
          resumed_from: from?.worker.id ?? null,
          checkpoint_id: from?.version ?? null,
        };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:session_id/stop",
      operationId: "stop",
      summary: "Stop one running worker of the colony; resolves with its report",
      tags,
      params: SessionParams,
      body: z
        .strictObject({ worker_id: Id.optional(), execution_id: Id.optional() })
        .superRefine(workerReference("execution_id")),
      response: z.strictObject({
        /** False when the worker's own report got in before the stop. */
        stopped: z.boolean(),
        cancelling: z.literal(false),
        execution_id: Id,
        worker_id: Id,
        status: z.string(),
        summary: z.string(),
      }),
      errors: [404, 409],
      handler: async ({ params, body }) => {
        const row = await colonyOf(params.session_id);
        const worker = await requireLiveWorker(row.colony_id, workerIdOf(body.worker_id, body.execution_id));
        const runtime = await host.runtime(row.colony_id);
        const live = runtime.worker(worker.id);
        if (!live || live.report !== null) throw workerNotRunning(worker);
        const report = await runtime.stop(worker.id, "stopped by request");
        if (!report) throw workerNotRunning(worker);
        await switchPhase(host, row.id, "reviewing");
        return {
          stopped: report.status === "stopped",
          cancelling: false as const,
          execution_id: worker.id,
          worker_id: worker.id,
          status: report.status,
          summary: report.summary,
        };
      },
    }),
    replayRoute(api),
  ];
}

import { z } from "zod";
import {
  Id,
  Json,
  JsonObject,
  NonNegativeInt,
  PositiveInt,
  ReportStatus,
  TokenUsage,
  WorkerProfile,
} from "./fields.js";

export const workerEvents = {
  WorkerSpawned: z.strictObject({
    workerId: Id,
    colonyId: Id,
    parentSessionId: Id.nullable(),
    task: z.string(),
    inputData: JsonObject,
    profile: WorkerProfile,
    conversationId: Id,
    persistent: z.boolean(),
    batchId: Id.nullable(),
    batchIndex: NonNegativeInt.nullable(),
  }),
  WorkerQueued: z.strictObject({ reason: z.string() }),
  WorkerStarted: z.strictObject({ attempt: PositiveInt }),
  WorkerReported: z.strictObject({
    status: ReportStatus,
    summary: z.string(),
    data: Json,
    error: z.string().nullable(),
    durationMs: NonNegativeInt,
    tokens: TokenUsage,
  }),
  WorkerStopped: z.strictObject({ reason: z.string() }),
  WorkerFailed: z.strictObject({ error: z.string(), fatal: z.boolean() }),
  WorkerResurrected: z.strictObject({ attempt: PositiveInt, reason: z.string() }),
};

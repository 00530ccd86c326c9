import { z } from "zod";
import { Id, Json, NonNegativeInt } from "./fields.js";

const SeededStep = z.strictObject({
  seq: NonNegativeInt,
  title: z.string().min(1),
  detail: z.string().nullable(),
});

const SeededSopItem = z.strictObject({
  key: z.string().min(1),
  description: z.string().min(1),
  required: z.boolean(),
  note: z.string().nullable(),
});

export const taskEvents = {
  TaskSeeded: z.strictObject({
    taskId: Id,
    colonyId: Id,
    goal: z.string().min(1),
    seq: NonNegativeInt,
    priority: z.number().int(),
    payload: Json.nullable(),
    maxRetries: NonNegativeInt,
    parentTaskId: Id.nullable(),
    source: z.string().nullable(),
    steps: z.array(SeededStep),
    sopItems: z.array(SeededSopItem),
  }),
  TaskClaimed: z.strictObject({ workerId: Id, claimToken: z.string().min(1) }),
  StepStarted: z.strictObject({ stepSeq: NonNegativeInt, workerId: Id }),
  StepCompleted: z.strictObject({
    stepSeq: NonNegativeInt,
    workerId: Id,
    evidence: z.string(),
  }),
  SopItemChecked: z.strictObject({ key: z.string().min(1), workerId: Id, note: z.string().nullable() }),
  TaskCompleted: z.strictObject({ workerId: Id, claimToken: z.string().min(1), result: Json.nullable() }),
  TaskFailed: z.strictObject({
    workerId: Id.nullable(),
    error: z.string(),
    reason: z.enum(["error", "max_retries"]),
  }),
  TaskReleased: z.strictObject({
    workerId: Id,
    reason: z.enum(["stale", "worker_stopped"]),
    retryCount: NonNegativeInt,
  }),
};

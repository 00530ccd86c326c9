import { z } from "zod";
import { ColonyName, Id, JsonObject, NonNegativeInt, PositiveInt, WorkerProfile } from "./fields.js";

const TriggerKind = z.enum(["timer", "webhook", "api", "manual"]);

const TriggerConfig = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("timer"),
    intervalSeconds: z.number().positive(),
    runImmediately: z.boolean(),
  }),
  // The secret itself is not logged: exports and event feeds would leak it. The log names the
  // environment variable (or secret store key) that holds it.
  z.strictObject({ kind: z.literal("webhook"), route: z.string().min(1), secretRef: z.string().min(1) }),
  z.strictObject({ kind: z.literal("api") }),
  z.strictObject({ kind: z.literal("manual") }),
]);

export const colonyEvents = {
  ColonyCreated: z.strictObject({
    colonyId: Id,
    name: ColonyName,
    sourceSessionId: Id.nullable(),
    workerProfile: WorkerProfile,
    concurrencyHint: PositiveInt.nullable(),
  }),
  WorkerProfileUpdated: z.strictObject({ workerProfile: WorkerProfile }),
  TriggerRegistered: z.strictObject({
    triggerId: Id,
    kind: TriggerKind,
    config: TriggerConfig,
    maxConcurrent: PositiveInt,
    maxResurrections: NonNegativeInt,
    task: z.string(),
  }),
  TriggerRemoved: z.strictObject({ triggerId: Id }),
  TriggerFired: z.strictObject({
    triggerId: Id,
    firingId: Id,
    workerId: Id.nullable(),
    inputData: JsonObject,
    idempotencyKey: z.string().min(1).nullable(),
  }),
  TimersPaused: z.strictObject({ reason: z.string() }),
  TimersResumed: z.strictObject({}),
};

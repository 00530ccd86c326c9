import type { z } from "zod";
import type { TriggerKind } from "../../domain/deciders/colony.js";
import type { JsonObject } from "../../domain/events/fields.js";

export type InputData = z.output<typeof JsonObject>;

/** One firing of a trigger, as recorded by its TriggerFired event, handed to the spawn port. */
export interface TriggerFiring {
  readonly colonyId: string;
  readonly triggerId: string;
  readonly kind: TriggerKind;
  readonly firingId: string;
  /** Chosen before the firing is appended, so the idempotency record can name it. */
  readonly workerId: string;
  /** The trigger's task, the worker's instruction. */
  readonly task: string;
  readonly inputData: InputData;
  readonly idempotencyKey: string | null;
  readonly maxConcurrent: number;
  readonly maxResurrections: number;
}

/**
 * Starts the worker of a firing (the colony runtime's spawn). Contract:
 * - the worker is started under `firing.workerId`, and that id is returned;
 * - it is idempotent on `firing.workerId`: when that worker already exists (its WorkerSpawned is
 *   in the log, e.g. appended with expectedVersion "no_stream" on `worker-{id}`), it starts nothing
 *   and returns the id. A retry after a crash, or a second process recovering the same firing,
 *   may call it again for the same firing; this is what keeps that to one worker.
 */
export type SpawnWorker = (firing: TriggerFiring) => Promise<{ readonly workerId: string }>;

/**
 * How a firing request ended:
 * - `spawned`: this request fired the trigger and started its worker;
 * - `replayed`: the idempotency key was already recorded and its worker exists (or was being
 *   started by a concurrent request of this process): nothing new happened;
 * - `recovered`: the key was recorded but its worker never started (a crash or a failed spawn
 *   between the two): this request started that same worker, under the recorded id.
 */
export interface FireResult {
  readonly outcome: "spawned" | "replayed" | "recovered";
  readonly workerId: string;
  /** Null only for a replay of a key recorded without its firing id (not written by this service). */
  readonly firingId: string | null;
}

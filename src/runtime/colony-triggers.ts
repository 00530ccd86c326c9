import { InvalidArgumentError } from "../domain/errors.js";
import type { ColonyRuntime, WorkerBrain } from "./colony/index.js";
import type { SpawnWorker, TriggerFiring } from "./triggers/firing.js";

/** What a TriggerService needs of the colony it fires into. */
export interface TriggerPorts {
  readonly spawn: SpawnWorker;
  readonly isBusy: () => boolean;
}

/**
 * A TriggerService's `spawn` and `isBusy` over a ColonyRuntime of the same colony.
 *
 * `spawn` starts the firing's worker in the runtime under `firing.workerId`, with the trigger's
 * task and the firing's recorded input, and the brain `brainFor` picks for the firing. It keeps
 * SpawnWorker's contract through the runtime's own idempotency on a chosen id: when the worker
 * already exists (a retry after a crash, a recovery racing the first spawn) nothing starts and
 * the id comes back. The runtime spawns under a runtime-wide cap and resurrection policy; the
 * firing's per-trigger `maxConcurrent` and `maxResurrections` are not applied here.
 *
 * `isBusy` is true while the runtime has workers running or queued; the overseer does not count,
 * since it runs for as long as the colony does and timers would otherwise never fire.
 */
export function triggerPortsFor(
  runtime: ColonyRuntime,
  brainFor: (firing: TriggerFiring) => WorkerBrain,
): TriggerPorts {
  return {
    async spawn(firing) {
      if (firing.colonyId !== runtime.colonyId) {
        // The service's colony is not the runtime's: the worker would run in the wrong colony.
        throw new InvalidArgumentError(
          "firing.colonyId",
          `a firing of colony ${firing.colonyId} cannot spawn into the runtime of colony ${runtime.colonyId}`,
        );
      }
      const workerId = await runtime.spawn({
        workerId: firing.workerId,
        task: firing.task,
        input: firing.inputData,
        brain: brainFor(firing),
      });
      return { workerId };
    },
    isBusy: () => runtime.runningCount > 0 || runtime.queuedIds.length > 0,
  };
}

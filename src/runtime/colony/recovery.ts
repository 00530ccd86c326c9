import type { Worker } from "../../domain/deciders/worker.js";
import type { WorkerBrain } from "./worker-brain.js";
import type { SpawnedWorker, WorkerHandle } from "./worker-handle.js";
import type { WorkerLog } from "./worker-log.js";
import { runtimeReport } from "./worker-report.js";

export interface RecoveryHost {
  readonly colonyId: string;
  readonly log: WorkerLog;
  readonly maxResurrections: number;
  /** Makes the worker live in this runtime with the brain it will continue with. */
  adopt(worker: SpawnedWorker, brain: WorkerBrain, state: Worker): WorkerHandle;
  /** Starts it or queues it under the cap. */
  admit(handle: WorkerHandle): Promise<void>;
  /** Cools it down from its logged failure, resurrects it, then admits it. */
  resurrect(handle: WorkerHandle): void;
}

export const INTERRUPTED = "interrupted";
const INTERRUPTED_ERROR = "interrupted: the process running the worker ended before it reported";

/**
 * Takes over the colony's unfinished workers, in spawn order (the policy is documented on
 * ColonyRuntime.open). Every outcome is an event, so a second restart in the middle of this one
 * finds each worker where the first left it and carries on from there.
 */
export async function recoverWorkers(
  host: RecoveryHost,
  restoreBrain: ((worker: SpawnedWorker) => WorkerBrain | undefined) | undefined,
): Promise<void> {
  const { log } = host;
  for (const { spawned, state: logged } of await log.unfinished(host.colonyId)) {
    const id = spawned.workerId;
    const brain = restoreBrain?.(spawned);
    let state = logged;
    switch (state.status) {
      case "running":
        // The crash is the process's, not the brain's: a non-fatal failure, so the usual
        // resurrection rules (cap, cooldown) decide whether it runs again.
        state = await log.execute(id, { type: "FailWorker", error: INTERRUPTED_ERROR, fatal: false });
        await failed(host, spawned, state, brain);
        break;
      case "failed":
        await failed(host, spawned, state, brain);
        break;
      case "stopped":
        // The stop was decided before the process ended; only its report is missing.
        await log.report(id, runtimeReport("stopped", "stopped (reported after a restart)", null, 0));
        break;
      case "ready":
      case "queued":
        if (brain !== undefined) {
          await host.admit(host.adopt(spawned, brain, state));
        } else {
          await log.execute(id, { type: "StopWorker", reason: "not resumed after a restart: no brain to run it" });
          await log.report(id, runtimeReport("failed", "never ran: the process that spawned it ended", INTERRUPTED, 0));
        }
        break;
      case "reported":
        break;
    }
  }
}

async function failed(
  host: RecoveryHost,
  spawned: SpawnedWorker,
  state: Worker,
  brain: WorkerBrain | undefined,
): Promise<void> {
  const failure = state.lastFailure;
  const canResurrect = brain !== undefined && failure?.fatal !== true && state.resurrections < host.maxResurrections;
  if (canResurrect) {
    host.resurrect(host.adopt(spawned, brain, state));
    return;
  }
  const error = failure?.error ?? INTERRUPTED;
  const why = brain === undefined ? "no brain to resume it after a restart" : "not resurrected";
  await host.log.report(spawned.workerId, runtimeReport("failed", `failed (${why}): ${error}`, error, 0));
}

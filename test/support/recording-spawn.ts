import { CommandRefusedError } from "../../src/domain/deciders/refusal.js";
import { workerDecider } from "../../src/domain/deciders/worker.js";
import type { EventStore } from "../../src/domain/ports/event-store.js";
import { streamId } from "../../src/domain/stream-id.js";
import { handleCommand } from "../../src/runtime/command-handler.js";
import type { SpawnWorker, TriggerFiring } from "../../src/runtime/triggers/firing.js";

export interface RecordingSpawn {
  readonly spawn: SpawnWorker;
  /** Every call, in order, including repeated ones for the same worker. */
  readonly calls: TriggerFiring[];
  /** Workers this spawn actually started (its WorkerSpawned was appended by this call). */
  readonly started: string[];
}

/**
 * A spawn port as the colony runtime provides it, minus the running: it appends the worker's
 * WorkerSpawned through the worker decider, so a second spawn of the same worker id (a recovery
 * racing the original) is refused by the log and starts nothing, the idempotency SpawnWorker's
 * contract asks for. `before` runs first in each call (a test makes it throw to simulate a crash).
 */
export function recordingSpawn(store: EventStore, before?: (firing: TriggerFiring) => void): RecordingSpawn {
  const calls: TriggerFiring[] = [];
  const started: string[] = [];
  const spawn: SpawnWorker = async (firing) => {
    calls.push(firing);
    before?.(firing);
    try {
      await handleCommand(store, workerDecider, streamId("worker", firing.workerId), {
        type: "SpawnWorker",
        workerId: firing.workerId,
        colonyId: firing.colonyId,
        parentSessionId: null,
        task: firing.task,
        inputData: firing.inputData,
        profile: { systemPrompt: "", toolNames: [], loopConfig: {}, inputData: {} },
        conversationId: `conversation-of-${firing.workerId}`,
        persistent: false,
        batchId: null,
        batchIndex: null,
      });
      started.push(firing.workerId);
    } catch (error) {
      if (!(error instanceof CommandRefusedError && error.code === "worker_already_spawned")) throw error;
    }
    return { workerId: firing.workerId };
  };
  return { spawn, calls, started };
}

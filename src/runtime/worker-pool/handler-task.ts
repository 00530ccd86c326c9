import type { z } from "zod";
import { taskEvents } from "../../domain/events/task.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import { streamId } from "../../domain/stream-id.js";
import type { ClaimedTask } from "../ledger/task-ledger.js";
import type { HandlerTask } from "./task-handler.js";

type TaskSeeded = z.output<typeof taskEvents.TaskSeeded>;

/**
 * The task a handler gets: the claim's progress (step statuses, SOP ticks, retries) joined with
 * what only the seed holds (the payload as JSON rather than the ledger's text, step details, SOP
 * descriptions). The seed is the task stream's first event, so this is one indexed read.
 */
export async function handlerTask(events: Pick<EventStore, "readStream">, claimed: ClaimedTask): Promise<HandlerTask> {
  const seed = await readSeed(events, claimed.taskId);
  const seededSteps = new Map(seed.steps.map((s) => [s.seq, s]));
  const seededItems = new Map(seed.sopItems.map((i) => [i.key, i]));
  return {
    taskId: claimed.taskId,
    colonyId: claimed.colonyId,
    workerId: claimed.workerId,
    goal: claimed.goal,
    payload: seed.payload,
    priority: claimed.priority,
    seq: claimed.seq,
    retryCount: claimed.retryCount,
    maxRetries: claimed.maxRetries,
    steps: claimed.steps.map((s) => ({
      seq: s.seq,
      title: s.title,
      detail: seededSteps.get(s.seq)?.detail ?? null,
      status: s.status,
    })),
    sopItems: claimed.sopItems.map((i) => ({
      key: i.key,
      description: seededItems.get(i.key)?.description ?? i.key,
      required: i.required,
      checked: i.checkedBy !== null,
    })),
  };
}

async function readSeed(events: Pick<EventStore, "readStream">, taskId: string): Promise<TaskSeeded> {
  for await (const event of events.readStream(streamId("task", taskId), { limit: 1 })) {
    if (event.type === "TaskSeeded") return taskEvents.TaskSeeded.parse(event.data);
    break;
  }
  throw new Error(`task ${taskId} is claimed but its stream does not begin with TaskSeeded`);
}

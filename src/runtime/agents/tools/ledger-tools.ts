import { z } from "zod";
import type { Claim, TaskLedger } from "../../ledger/task-ledger.js";
import { defineTool, jsonResult, type Tool } from "../tool.js";

// Module-level, so each tool's JSON schema is converted once however many agents are built.
const ClaimTaskInput = z.strictObject({ task_id: z.string().min(1).optional() });
const StartStepInput = z.strictObject({ seq: z.number().int().nonnegative() });
const CompleteStepInput = z.strictObject({ seq: z.number().int().nonnegative(), evidence: z.string().min(1) });
const CheckSopInput = z.strictObject({ key: z.string().min(1), note: z.string().optional() });
const CompleteTaskInput = z.strictObject({ result: z.json().optional() });
const FailTaskInput = z.strictObject({ error: z.string().min(1) });
const EnqueueTaskInput = z.strictObject({
  goal: z.string().min(1),
  priority: z.number().int().optional(),
  payload: z.json().optional(),
});

/**
 * The task ledger as an agent's tools (DESIGN §6, task ledger tools): one claim at a time, held
 * here, so the model never handles claim tokens; every call is a ledger command, refused as the
 * ledger refuses it (the refusal becomes the tool part the model reads).
 */
export function ledgerTools(ledger: TaskLedger, colonyId: string, workerId: string): Tool[] {
  let held: Claim | undefined;
  const claim = (): Claim => {
    if (!held) throw new Error("no task is claimed: call claim_task first");
    return held;
  };
  const released = <T>(value: T): T => {
    held = undefined;
    return value;
  };
  return [
    defineTool({
      name: "claim_task",
      description: "Claim a task of your colony: the one named, or else the next pending one by priority.",
      input: ClaimTaskInput,
      run: async ({ task_id }) => {
        if (held) throw new Error(`task ${held.taskId} is still claimed: complete or fail it first`);
        const task = task_id ? await ledger.claim(task_id, workerId) : await ledger.claimNext(colonyId, workerId);
        if (!task) return jsonResult({ claimed: null, reason: "no pending task" });
        held = task;
        return jsonResult({
          task_id: task.taskId,
          goal: task.goal,
          payload: payloadOf(task.payload),
          steps: task.steps.map((s) => ({ seq: s.seq, title: s.title, status: s.status })),
          sop_items: task.sopItems.map((i) => ({ key: i.key, required: i.required, done: i.checkedBy !== null })),
        });
      },
    }),
    defineTool({
      name: "start_step",
      description: "Mark a step of the claimed task as started.",
      input: StartStepInput,
      run: async ({ seq }) => {
        await ledger.startStep(claim(), seq);
        return jsonResult({ started: seq });
      },
    }),
    defineTool({
      name: "complete_step",
      description: "Mark a step of the claimed task as done, with the evidence that it is.",
      input: CompleteStepInput,
      run: async ({ seq, evidence }) => {
        await ledger.completeStep(claim(), seq, evidence);
        return jsonResult({ completed: seq });
      },
    }),
    defineTool({
      name: "check_sop",
      description: "Tick an item of the claimed task's SOP checklist.",
      input: CheckSopInput,
      run: async ({ key, note }) => {
        await ledger.checkSopItem(claim(), key, note ?? null);
        return jsonResult({ checked: key });
      },
    }),
    defineTool({
      name: "complete_task",
      description: "Complete the claimed task (refused while a required SOP item is open).",
      input: CompleteTaskInput,
      run: async ({ result }) => {
        const task = claim();
        await ledger.complete(task, result ?? null);
        return released(jsonResult({ completed: task.taskId }));
      },
    }),
    defineTool({
      name: "fail_task",
      description: "Fail the claimed task, saying why.",
      input: FailTaskInput,
      run: async ({ error }) => {
        const task = claim();
        await ledger.fail(task, error);
        return released(jsonResult({ failed: task.taskId }));
      },
    }),
    defineTool({
      name: "enqueue_task",
      description: "Add a follow-up task to your colony's queue.",
      input: EnqueueTaskInput,
      run: async ({ goal, priority, payload }) => {
        const id = await ledger.enqueue(colonyId, {
          goal,
          ...(priority !== undefined ? { priority } : {}),
          ...(payload !== undefined ? { payload } : {}),
        });
        return jsonResult({ task_id: id });
      },
    }),
  ];
}

/** The payload as it was seeded: the ledger keeps JSON as text, so the model gets the value back, not its text. */
function payloadOf(stored: string | null): unknown {
  if (stored === null) return null;
  try {
    return JSON.parse(stored);
  } catch {
    return stored;
  }
}

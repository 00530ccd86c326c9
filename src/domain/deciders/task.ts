import { z } from "zod";
import { Id, Json, NonNegativeInt, Timestamp } from "../events/fields.js";
import type { taskEvents } from "../events/task.js";
import type { Decider, EventOf, Folded } from "./decider.js";
import { type CommandRefusedError, parseCommand, refuse } from "./refusal.js";
import { TaskSeedInput, taskSeededData } from "./task-seed.js";

/**
 * The task aggregate (DESIGN §3, task-{id}): seeded, claimed under a token, worked step by step,
 * SOP items ticked, then completed or failed; a stale claim goes back to pending or, past
 * max_retries, fails. There is no separate "task started" event: as in the ledger projection, the
 * first StepStarted is what puts a claimed task in progress.
 */
export type TaskEvent = EventOf<keyof typeof taskEvents>;

/** The original ledger's words, so the decider and the ledger projection agree on every status. */
export type TaskStatus = "pending" | "claimed" | "in_progress" | "done" | "failed";
export type StepStatus = "pending" | "in_progress" | "done";

export interface TaskStep {
  readonly seq: number;
  readonly title: string;
  readonly status: StepStatus;
  readonly workerId: string | null;
}

export interface TaskSopItem {
  readonly key: string;
  readonly required: boolean;
  readonly checkedBy: string | null;
}

export interface TaskClaim {
  readonly workerId: string;
  readonly claimToken: string;
  /** When the claim was recorded; null only when folding events without an envelope. */
  readonly claimedAt: string | null;
}

export interface Task {
  readonly taskId: string;
  readonly colonyId: string;
  readonly status: TaskStatus;
  readonly maxRetries: number;
  readonly retryCount: number;
  readonly claim: TaskClaim | null;
  readonly steps: readonly TaskStep[];
  readonly sopItems: readonly TaskSopItem[];
}

/** Null until the task is seeded. */
export type TaskState = Task | null;

const ClaimProof = { workerId: Id, claimToken: z.string().min(1) };

export const TaskCommand = z.discriminatedUnion("type", [
  /** One task into an existing colony; batches go through planTaskSeed. */
  z.strictObject({
    type: z.literal("EnqueueTask"),
    taskId: Id,
    colonyId: Id,
    seq: NonNegativeInt,
    source: z.string().nullable(),
    task: TaskSeedInput,
  }),
  /** The token is the caller's (an IdGenerator's): it proves the claim in every later command. */
  z.strictObject({ type: z.literal("ClaimTask"), ...ClaimProof }),
  z.strictObject({ type: z.literal("StartStep"), ...ClaimProof, stepSeq: NonNegativeInt }),
  z.strictObject({ type: z.literal("CompleteStep"), ...ClaimProof, stepSeq: NonNegativeInt, evidence: z.string() }),
  z.strictObject({
    type: z.literal("CheckSopItem"),
    ...ClaimProof,
    key: z.string().min(1),
    note: z.string().nullable(),
  }),
  z.strictObject({ type: z.literal("CompleteTask"), ...ClaimProof, result: Json.nullable() }),
  z.strictObject({ type: z.literal("FailTask"), ...ClaimProof, error: z.string() }),
  /** The holder gives the task back because its worker was stopped: not a failed attempt. */
  z.strictObject({ type: z.literal("ReleaseTask"), ...ClaimProof }),
  /**
   * The reclaimer's command. Staleness is judged here against the claim's own time, so a task
   * re-claimed since the reclaimer looked is left alone.
   */
  z.strictObject({
    type: z.literal("ReclaimStaleTask"),
    now: Timestamp,
    staleAfterMs: NonNegativeInt,
  }),
]);
export type TaskCommand = z.output<typeof TaskCommand>;

export function parseTaskCommand(input: unknown): TaskCommand {
  return parseCommand(TaskCommand, input);
}

export type TaskRefusalCode =
  | "task_not_found"
  | "task_already_exists"
  | "task_already_claimed"
  | "task_finished"
  | "task_not_claimed"
  | "claim_token_mismatch"
  | "claim_not_stale"
  | "unknown_step"
  | "step_not_started"
  | "step_already_completed"
  | "unknown_sop_item"
  | "sop_item_already_checked"
  | "sop_items_open";

/** Only the task's own codes: a typo in a code is a compile error, not a silent new code. */
const refuseTask: (
  code: TaskRefusalCode,
  message: string,
  details?: Record<string, unknown>,
) => CommandRefusedError<TaskRefusalCode> = refuse;

export const STALE_CLAIM_ERROR = "exceeded max_retries after stale claim";

function isFinished(task: Task): boolean {
  return task.status === "done" || task.status === "failed";
}

function requireTask(state: TaskState, command: TaskCommand): Task {
  if (state === null) throw refuseTask("task_not_found", `${command.type}: the task does not exist`);
  return state;
}

/** The task must be claimed or in progress, by this worker, under this token. */
function requireHolder(task: Task, command: { type: string; workerId: string; claimToken: string }): TaskClaim {
  const { taskId } = task;
  if (isFinished(task)) {
    throw refuseTask("task_finished", `task ${taskId} is already ${task.status}`, { taskId, status: task.status });
  }
  if (task.claim === null) {
    throw refuseTask("task_not_claimed", `task ${taskId} is not claimed: ${command.type} needs its claim`, {
      taskId,
      status: task.status,
    });
  }
  if (task.claim.claimToken !== command.claimToken || task.claim.workerId !== command.workerId) {
    throw refuseTask(
      "claim_token_mismatch",
      `worker ${command.workerId} does not hold the claim on task ${taskId} (held by ${task.claim.workerId})`,
      { taskId, workerId: command.workerId, holderWorkerId: task.claim.workerId },
    );
  }
  return task.claim;
}

function requireStep(task: Task, stepSeq: number): TaskStep {
  const step = task.steps.find((s) => s.seq === stepSeq);
  if (!step) {
    throw refuseTask("unknown_step", `task ${task.taskId} has no step ${stepSeq}`, {
      taskId: task.taskId,
      stepSeq,
      knownSteps: task.steps.map((s) => s.seq),
    });
  }
  return step;
}

function decideOnSeededTask(command: Exclude<TaskCommand, { type: "EnqueueTask" }>, task: Task): TaskEvent[] {
  const { taskId } = task;
  switch (command.type) {
    case "ClaimTask": {
      if (isFinished(task)) {
        throw refuseTask("task_finished", `task ${taskId} is already ${task.status}`, { taskId, status: task.status });
      }
      if (task.claim !== null) {
        throw refuseTask("task_already_claimed", `task ${taskId} is already claimed by worker ${task.claim.workerId}`, {
          taskId,
          workerId: task.claim.workerId,
          status: task.status,
        });
      }
      return [{ type: "TaskClaimed", data: { workerId: command.workerId, claimToken: command.claimToken } }];
    }
    case "StartStep": {
      requireHolder(task, command);
      const step = requireStep(task, command.stepSeq);
      if (step.status === "done") {
        throw refuseTask("step_already_completed", `step ${step.seq} of task ${taskId} is already completed`, {
          taskId,
          stepSeq: step.seq,
          workerId: step.workerId,
        });
      }
      // Starting a step already in progress is allowed: after a reclaim the new holder picks up
      // a step its predecessor left unfinished.
      return [{ type: "StepStarted", data: { stepSeq: step.seq, workerId: command.workerId } }];
    }
    case "CompleteStep": {
      requireHolder(task, command);
      const step = requireStep(task, command.stepSeq);
      if (step.status === "done") {
        throw refuseTask("step_already_completed", `step ${step.seq} of task ${taskId} is already completed`, {
          taskId,
          stepSeq: step.seq,
          workerId: step.workerId,
        });
      }
      if (step.status === "pending") {
        throw refuseTask("step_not_started", `step ${step.seq} of task ${taskId} has not been started`, {
          taskId,
          stepSeq: step.seq,
        });
      }
      return [
        {
          type: "StepCompleted",
          data: { stepSeq: step.seq, workerId: command.workerId, evidence: command.evidence },
        },
      ];
    }
    case "CheckSopItem": {
      requireHolder(task, command);
      const item = task.sopItems.find((i) => i.key === command.key);
      if (!item) {
        throw refuseTask("unknown_sop_item", `task ${taskId} has no SOP item ${command.key}`, {
          taskId,
          key: command.key,
          knownKeys: task.sopItems.map((i) => i.key),
        });
      }
      if (item.checkedBy !== null) {
        throw refuseTask("sop_item_already_checked", `SOP item ${item.key} of task ${taskId} is already checked`, {
          taskId,
          key: item.key,
          checkedBy: item.checkedBy,
        });
      }
      return [{ type: "SopItemChecked", data: { key: item.key, workerId: command.workerId, note: command.note } }];
    }
    case "CompleteTask": {
      requireHolder(task, command);
      const open = task.sopItems.filter((i) => i.required && i.checkedBy === null).map((i) => i.key);
      if (open.length > 0) {
        throw refuseTask("sop_items_open", `task ${taskId} has open required SOP items: ${open.join(", ")}`, {
          taskId,
          openKeys: open,
        });
      }
      return [
        {
          type: "TaskCompleted",
          data: { workerId: command.workerId, claimToken: command.claimToken, result: command.result },
        },
      ];
    }
    case "FailTask":
      requireHolder(task, command);
      return [{ type: "TaskFailed", data: { workerId: command.workerId, error: command.error, reason: "error" } }];
    case "ReleaseTask":
      requireHolder(task, command);
      return [
        {
          type: "TaskReleased",
          data: { workerId: command.workerId, reason: "worker_stopped", retryCount: task.retryCount },
        },
      ];
    case "ReclaimStaleTask": {
      if (isFinished(task)) {
        throw refuseTask("task_finished", `task ${taskId} is already ${task.status}`, { taskId, status: task.status });
      }
      const claim = task.claim;
      if (claim === null) {
        throw refuseTask("task_not_claimed", `task ${taskId} is not claimed: there is nothing to reclaim`, {
          taskId,
          status: task.status,
        });
      }
      const staleAt =
        claim.claimedAt === null ? null : new Date(Date.parse(claim.claimedAt) + command.staleAfterMs).toISOString();
      // A claim whose time is unknown cannot be shown to be stale, so it is left alone.
      if (staleAt === null || Date.parse(command.now) < Date.parse(staleAt)) {
        throw refuseTask("claim_not_stale", `the claim on task ${taskId} by worker ${claim.workerId} is not stale`, {
          taskId,
          workerId: claim.workerId,
          claimedAt: claim.claimedAt,
          staleAt,
          now: command.now,
        });
      }
      // As the original: a stale claim counts as a failed attempt; past max retries the task fails.
      if (task.retryCount >= task.maxRetries) {
        return [
          { type: "TaskFailed", data: { workerId: claim.workerId, error: STALE_CLAIM_ERROR, reason: "max_retries" } },
        ];
      }
      return [
        { type: "TaskReleased", data: { workerId: claim.workerId, reason: "stale", retryCount: task.retryCount + 1 } },
      ];
    }
  }
}

function decide(command: TaskCommand, state: TaskState): TaskEvent[] {
  if (command.type === "EnqueueTask") {
    if (state !== null) {
      throw refuseTask("task_already_exists", `task ${state.taskId} already exists`, {
        taskId: state.taskId,
        status: state.status,
      });
    }
    const { taskId, colonyId, seq, source } = command;
    return [{ type: "TaskSeeded", data: taskSeededData(command.task, { taskId, colonyId, seq, source }) }];
  }
  return decideOnSeededTask(command, requireTask(state, command));
}

function evolve(state: TaskState, event: Folded<TaskEvent>): TaskState {
  if (event.type === "TaskSeeded") {
    const { data } = event;
    return {
      taskId: data.taskId,
      colonyId: data.colonyId,
      status: "pending",
      maxRetries: data.maxRetries,
      retryCount: 0,
      claim: null,
      steps: data.steps.map((s) => ({ seq: s.seq, title: s.title, status: "pending", workerId: null })),
      sopItems: data.sopItems.map((i) => ({ key: i.key, required: i.required, checkedBy: null })),
    };
  }
  if (state === null) return state;
  switch (event.type) {
    case "TaskClaimed":
      return {
        ...state,
        status: "claimed",
        claim: {
          workerId: event.data.workerId,
          claimToken: event.data.claimToken,
          claimedAt: event.metadata?.recordedAt ?? null,
        },
      };
    case "StepStarted":
      return {
        ...state,
        // As the ledger: the first step started is when a claimed task is in progress.
        status: state.status === "claimed" ? "in_progress" : state.status,
        steps: withStep(state.steps, event.data.stepSeq, "in_progress", event.data.workerId),
      };
    case "StepCompleted":
      return { ...state, steps: withStep(state.steps, event.data.stepSeq, "done", event.data.workerId) };
    case "SopItemChecked":
      return {
        ...state,
        sopItems: state.sopItems.map((i) => (i.key === event.data.key ? { ...i, checkedBy: event.data.workerId } : i)),
      };
    case "TaskCompleted":
      return { ...state, status: "done", claim: null };
    case "TaskFailed":
      return { ...state, status: "failed", claim: null };
    case "TaskReleased":
      // Steps and SOP ticks keep their progress: the next holder carries on from them.
      return { ...state, status: "pending", claim: null, retryCount: event.data.retryCount };
    default:
      return state;
  }
}

function withStep(steps: readonly TaskStep[], seq: number, status: StepStatus, workerId: string): TaskStep[] {
  return steps.map((s) => (s.seq === seq ? { ...s, status, workerId } : s));
}

export const taskDecider: Decider<TaskCommand, TaskState, TaskEvent> = {
  initialState: null,
  evolve,
  decide,
};

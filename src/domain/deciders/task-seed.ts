import { z } from "zod";
import { ColonyError, type FieldIssue } from "../errors.js";
import type { EventData } from "../events/catalogue.js";
import { Id, Json, NonNegativeInt } from "../events/fields.js";
import { issuesOf } from "../events/zod-issues.js";
import type { StreamAppend } from "../ports/event-store.js";
import { streamId } from "../stream-id.js";
import type { DomainEvent } from "./decider.js";

/** The original ledger numbered a task's steps from 1 when the caller gave no seq. */
const FIRST_STEP_SEQ = 1;
const DEFAULT_MAX_RETRIES = 3;

const StepInput = z.strictObject({
  seq: NonNegativeInt.optional(),
  title: z.string().min(1),
  detail: z.string().nullable().optional(),
});

const SopItemInput = z.strictObject({
  key: z.string().min(1),
  description: z.string().min(1),
  required: z.boolean().optional(),
  note: z.string().nullable().optional(),
});

/**
 * One task as a caller describes it (seed file, enqueue tool, API): the original's fields with
 * its defaults. Step seqs and SOP keys must be unique within the task, because steps are started
 * and completed by seq and items ticked by key: a duplicate would make those commands ambiguous.
 */
export const TaskSeedInput = z
  .strictObject({
    id: Id.optional(),
    goal: z.string().min(1),
    seq: NonNegativeInt.optional(),
    priority: z.number().int().optional(),
    payload: Json.nullable().optional(),
    maxRetries: NonNegativeInt.optional(),
    parentTaskId: Id.nullable().optional(),
    steps: z.array(StepInput).optional(),
    sopItems: z.array(SopItemInput).optional(),
  })
  .superRefine((task, ctx) => {
    const seqs = new Set<number>();
    (task.steps ?? []).forEach((step, index) => {
      const seq = step.seq ?? index + FIRST_STEP_SEQ;
      if (seqs.has(seq)) {
        ctx.addIssue({ code: "custom", path: ["steps", index, "seq"], message: `duplicate step seq ${seq}` });
      }
      seqs.add(seq);
    });
    const keys = new Set<string>();
    (task.sopItems ?? []).forEach((item, index) => {
      if (keys.has(item.key)) {
        ctx.addIssue({ code: "custom", path: ["sopItems", index, "key"], message: `duplicate SOP key ${item.key}` });
      }
      keys.add(item.key);
    });
  });
export type TaskSeedInput = z.input<typeof TaskSeedInput>;
export type ParsedTaskSeed = z.output<typeof TaskSeedInput>;

/** Where a task sits when it is seeded: ids and order are the caller's, never invented here. */
export interface TaskPlacement {
  readonly taskId: string;
  readonly colonyId: string;
  readonly seq: number;
  readonly source: string | null;
}

/** The TaskSeeded data of a parsed task: every default filled in, as the ledger stores it. */
export function taskSeededData(task: ParsedTaskSeed, placement: TaskPlacement): EventData<"TaskSeeded"> {
  return {
    taskId: placement.taskId,
    colonyId: placement.colonyId,
    goal: task.goal,
    seq: task.seq ?? placement.seq,
    priority: task.priority ?? 0,
    payload: task.payload ?? null,
    maxRetries: task.maxRetries ?? DEFAULT_MAX_RETRIES,
    parentTaskId: task.parentTaskId ?? null,
    source: placement.source,
    steps: (task.steps ?? []).map((step, index) => ({
      seq: step.seq ?? index + FIRST_STEP_SEQ,
      title: step.title,
      detail: step.detail ?? null,
    })),
    sopItems: (task.sopItems ?? []).map((item) => ({
      key: item.key,
      description: item.description,
      required: item.required ?? true,
      note: item.note ?? null,
    })),
  };
}

/**
 * A seed batch with at least one invalid task. The whole batch is refused, so nothing is written;
 * `taskIndex` and `field` name the first problem, `issues` lists them all.
 */
export class InvalidTaskSeedError extends ColonyError<"invalid_task_seed"> {
  constructor(
    readonly taskIndex: number | null,
    readonly field: string,
    readonly issues: readonly FieldIssue[],
  ) {
    const where = taskIndex === null ? field : `task[${taskIndex}]${field ? `.${field}` : ""}`;
    const first = issues[0]?.message ?? "invalid";
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more issues)` : "";
    super("invalid_task_seed", `${where}: ${first}${more}`, { taskIndex, field, issues });
  }
}

export interface SeedOptions {
  /** Ids for tasks that do not bring their own (an IdGenerator in production). */
  readonly newTaskId: () => string;
  /** Recorded on every task: who seeded it (e.g. `queen_create`, `enqueue_tool`, `cli`). */
  readonly source?: string | null;
  /** The seq given to the first task without one; the next get the following numbers. */
  readonly firstSeq?: number;
}

export interface SeedPlan {
  /** In input order. */
  readonly taskIds: string[];
  /** One append per task stream, each expecting no stream: pass them all to one `appendMany`. */
  readonly appends: StreamAppend[];
}

/**
 * Turns a seed batch into its per-stream appends: each task gets its own stream whose first event
 * is TaskSeeded. Pure apart from `newTaskId`. Refuses the whole batch if any task is invalid.
 */
export function planTaskSeed(colonyId: string, tasks: unknown, options: SeedOptions): SeedPlan {
  if (!Array.isArray(tasks)) {
    throw new InvalidTaskSeedError(null, "tasks", [{ path: "tasks", message: "expected an array of tasks" }]);
  }
  const parsed: ParsedTaskSeed[] = [];
  const issues: FieldIssue[] = [];
  let first: { index: number; field: string } | undefined;
  const note = (index: number, found: readonly FieldIssue[]) => {
    for (const issue of found) {
      issues.push({ path: `task[${index}]${issue.path ? `.${issue.path}` : ""}`, message: issue.message });
    }
    if (!first && found[0]) first = { index, field: found[0].path };
  };
  const idsGiven = new Map<string, number>();
  tasks.forEach((task, index) => {
    const result = TaskSeedInput.safeParse(task);
    if (!result.success) {
      note(index, issuesOf(result.error));
      return;
    }
    const id = result.data.id;
    if (id !== undefined) {
      const earlier = idsGiven.get(id);
      if (earlier !== undefined)
        note(index, [{ path: "id", message: `duplicate task id ${id} (also task[${earlier}])` }]);
      else idsGiven.set(id, index);
    }
    parsed.push(result.data);
  });
  if (first) throw new InvalidTaskSeedError(first.index, first.field, issues);

  const source = options.source ?? null;
  const firstSeq = options.firstSeq ?? 0;
  const taskIds: string[] = [];
  const appends = parsed.map((task, index): StreamAppend => {
    const taskId = task.id ?? options.newTaskId();
    taskIds.push(taskId);
    const event: DomainEvent<"TaskSeeded"> = {
      type: "TaskSeeded",
      data: taskSeededData(task, { taskId, colonyId, seq: firstSeq + index, source }),
    };
    return { streamId: streamId("task", taskId), events: [event], expectedVersion: "no_stream" };
  });
  return { taskIds, appends };
}

import { type CreateColony, planColonyCreation } from "../../domain/deciders/colony-creation.js";
import { refuse } from "../../domain/deciders/refusal.js";
import { planTaskSeed, type TaskSeedInput } from "../../domain/deciders/task-seed.js";
import { VersionConflictError } from "../../domain/errors.js";
import type { StreamAppend } from "../../domain/ports/event-store.js";
import { parseStreamId, streamId } from "../../domain/stream-id.js";
import { type LedgerContext, runTaskCommand } from "./ledger-context.js";
import { nextSeq } from "./ledger-reads.js";

/** The original's `source` defaults: who put the tasks in the queue. */
export const SEED_SOURCE = "queen_create";
export const ENQUEUE_SOURCE = "enqueue_tool";

export interface NewColony {
  readonly colonyId: string;
  /** Lowercase letters, digits and `_`, as colony names are everywhere. */
  readonly name: string;
  readonly workerProfile?: CreateColony["workerProfile"];
  readonly sourceSessionId?: string | null;
  readonly concurrencyHint?: number | null;
}

export interface SeedOptions {
  /** Recorded on every task (e.g. `queen_create`, `cli`). */
  readonly source?: string | null;
}

export interface SeedResult {
  readonly colonyId: string;
  /** In input order. */
  readonly taskIds: readonly string[];
}

const EMPTY_PROFILE: CreateColony["workerProfile"] = { systemPrompt: "", toolNames: [], loopConfig: {}, inputData: {} };

/**
 * A new colony and its whole seed batch in one `appendMany`: ColonyCreated and one TaskSeeded
 * stream per task land together or not at all. An invalid task refuses the batch (naming
 * `task[i].field`) before anything is written; an existing colony or task id refuses it at append.
 */
export async function createColony(
  context: LedgerContext,
  colony: NewColony,
  tasks: unknown,
  options: SeedOptions = {},
): Promise<SeedResult> {
  const command: CreateColony = {
    type: "CreateColony",
    colonyId: colony.colonyId,
    name: colony.name,
    sourceSessionId: colony.sourceSessionId ?? null,
    workerProfile: colony.workerProfile ?? EMPTY_PROFILE,
    concurrencyHint: colony.concurrencyHint ?? null,
  };
  const plan = planColonyCreation(command, tasks, {
    newTaskId: () => context.ids.uuid(),
    source: options.source === undefined ? SEED_SOURCE : options.source,
    firstSeq: 0,
  });
  await appendAll(context, plan.appends);
  return { colonyId: colony.colonyId, taskIds: plan.taskIds };
}

/** A batch into an existing colony, in one `appendMany`, queued behind the tasks already there. */
export async function seedTasks(
  context: LedgerContext,
  colonyId: string,
  tasks: unknown,
  options: SeedOptions = {},
): Promise<SeedResult> {
  await requireColony(context, colonyId);
  const plan = planTaskSeed(colonyId, tasks, {
    newTaskId: () => context.ids.uuid(),
    source: options.source === undefined ? SEED_SOURCE : options.source,
    firstSeq: await nextSeq(context.ledger, colonyId),
  });
  if (plan.appends.length > 0) await appendAll(context, plan.appends);
  return { colonyId, taskIds: plan.taskIds };
}

/** One task into an existing colony, through the task decider, behind the tasks already queued. */
export async function enqueueTask(
  context: LedgerContext,
  colonyId: string,
  task: TaskSeedInput,
  options: SeedOptions = {},
): Promise<string> {
  await requireColony(context, colonyId);
  const taskId = task.id ?? context.ids.uuid();
  await runTaskCommand(
    context,
    taskId,
    {
      type: "EnqueueTask",
      taskId,
      colonyId,
      seq: await nextSeq(context.ledger, colonyId),
      source: options.source === undefined ? ENQUEUE_SOURCE : options.source,
      task,
    },
    options.source ?? ENQUEUE_SOURCE,
  );
  return taskId;
}

async function requireColony(context: LedgerContext, colonyId: string): Promise<void> {
  if ((await context.events.streamVersion(streamId("colony", colonyId))) === "no_stream") {
    throw refuse("colony_not_found", `colony ${colonyId} does not exist`, { colonyId });
  }
}

/** Every stream of a plan expects none: a conflict means the colony or a task id is taken. */
async function appendAll(context: LedgerContext, appends: readonly StreamAppend[]): Promise<void> {
  try {
    await context.events.appendMany(appends);
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const { category, id } = parseStreamId(error.streamId);
    if (category === "colony") {
      throw refuse("colony_already_exists", `colony ${id} already exists`, { colonyId: id });
    }
    throw refuse("task_already_exists", `task ${id} already exists`, { taskId: id });
  }
}

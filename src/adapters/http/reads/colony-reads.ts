import type { Kysely } from "kysely";
import { z } from "zod";
import type { ReadModels } from "../../../projections/read-models.js";
import { ColonyNotFoundError } from "./errors.js";
import { snakeKeys } from "./snake-keys.js";

const LoopConfigBody = z.strictObject({
  max_iterations: z.number().int().positive().optional(),
  max_context_tokens: z.number().int().positive().optional(),
  compaction_buffer_tokens: z.number().int().nonnegative().optional(),
  compaction_ratio: z.number().optional(),
  timeout_seconds: z.number().optional(),
});

const WorkerProfileBody = z.strictObject({
  system_prompt: z.string(),
  tool_names: z.array(z.string()),
  loop_config: LoopConfigBody,
  /** The colony's input data, as given. */
  input_data: z.record(z.string(), z.unknown()),
});

const TaskCounts = z.strictObject({
  pending: z.number().int(),
  claimed: z.number().int(),
  in_progress: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
});

const WorkerCounts = z.strictObject({
  spawned: z.number().int(),
  queued: z.number().int(),
  running: z.number().int(),
  reported: z.number().int(),
  stopped: z.number().int(),
  failed: z.number().int(),
});

export const ColonyBody = z.strictObject({
  id: z.string(),
  name: z.string(),
  source_session_id: z.string().nullable(),
  worker_profile: WorkerProfileBody,
  concurrency_hint: z.number().int().nullable(),
  timers_paused: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  task_counts: TaskCounts,
  worker_counts: WorkerCounts,
});
export type ColonyBody = z.infer<typeof ColonyBody>;

const TriggerConfigBody = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("timer"), interval_seconds: z.number(), run_immediately: z.boolean() }),
  // The log names where the secret is, never the secret.
  z.strictObject({ kind: z.literal("webhook"), route: z.string(), secret_ref: z.string() }),
  z.strictObject({ kind: z.literal("api") }),
  z.strictObject({ kind: z.literal("manual") }),
]);

const TriggerBody = z.strictObject({
  id: z.string(),
  kind: z.enum(["timer", "webhook", "api", "manual"]),
  config: TriggerConfigBody,
  max_concurrent: z.number().int(),
  max_resurrections: z.number().int(),
  task: z.string(),
  removed_at: z.string().nullable(),
  fire_count: z.number().int(),
  last_fired_at: z.string().nullable(),
});

export const ColonyDetail = ColonyBody.extend({ triggers: z.array(TriggerBody) });
export type ColonyDetail = z.infer<typeof ColonyDetail>;

type Db = Kysely<ReadModels>;
type Counts<T> = { -readonly [K in keyof T]: number };

const noTasks = (): Counts<z.infer<typeof TaskCounts>> => ({
  pending: 0,
  claimed: 0,
  in_progress: 0,
  done: 0,
  failed: 0,
});
const noWorkers = (): Counts<z.infer<typeof WorkerCounts>> => ({
  spawned: 0,
  queued: 0,
  running: 0,
  reported: 0,
  stopped: 0,
  failed: 0,
});

/** Per colony, how many of its tasks and workers are in each status: two grouped reads. */
async function counts(db: Db, colonyId?: string) {
  let tasks = db
    .selectFrom("tasks")
    .select((eb) => ["colony_id", "status", eb.fn.countAll<number>().as("count")])
    .groupBy(["colony_id", "status"]);
  let workers = db
    .selectFrom("workers")
    .select((eb) => ["colony_id", "status", eb.fn.countAll<number>().as("count")])
    .groupBy(["colony_id", "status"]);
  if (colonyId !== undefined) {
    tasks = tasks.where("colony_id", "=", colonyId);
    workers = workers.where("colony_id", "=", colonyId);
  }
  const [taskRows, workerRows] = await Promise.all([tasks.execute(), workers.execute()]);
  const byColony = new Map<string, { tasks: ReturnType<typeof noTasks>; workers: ReturnType<typeof noWorkers> }>();
  const of = (id: string) => {
    let entry = byColony.get(id);
    if (!entry) {
      entry = { tasks: noTasks(), workers: noWorkers() };
      byColony.set(id, entry);
    }
    return entry;
  };
  for (const row of taskRows) of(row.colony_id).tasks[row.status] = Number(row.count);
  for (const row of workerRows) of(row.colony_id).workers[row.status] = Number(row.count);
  return of;
}

type ColonyRow = ReadModels["colonies"];

function colonyBody(row: ColonyRow, count: Awaited<ReturnType<typeof counts>>): ColonyBody {
  // Stored as the event carried it (camelCase); shown in the API's spelling.
  const profile = JSON.parse(row.worker_profile) as {
    systemPrompt: string;
    toolNames: string[];
    loopConfig: object;
    inputData: Record<string, unknown>;
  };
  const { tasks, workers } = count(row.id);
  return {
    id: row.id,
    name: row.name,
    source_session_id: row.source_session_id,
    worker_profile: {
      system_prompt: profile.systemPrompt,
      tool_names: profile.toolNames,
      loop_config: snakeKeys(profile.loopConfig),
      input_data: profile.inputData,
    },
    concurrency_hint: row.concurrency_hint,
    timers_paused: row.timers_paused === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
    task_counts: tasks,
    worker_counts: workers,
  };
}

/** Every colony, oldest first. */
export async function colonies(db: Db): Promise<ColonyBody[]> {
  const [rows, count] = await Promise.all([
    db.selectFrom("colonies").selectAll().orderBy("created_at").orderBy("id").execute(),
    counts(db),
  ]);
  return rows.map((row) => colonyBody(row, count));
}

/** One colony with its triggers (removed ones too, with their firing counts). */
export async function colony(db: Db, colonyId: string): Promise<ColonyDetail> {
  const row = await requireColony(db, colonyId);
  const [count, triggers] = await Promise.all([
    counts(db, colonyId),
    db.selectFrom("triggers").selectAll().where("colony_id", "=", colonyId).orderBy("id").execute(),
  ]);
  return {
    ...colonyBody(row, count),
    triggers: triggers.map((t) => ({
      id: t.id,
      kind: t.kind,
      config: snakeKeys(JSON.parse(t.config) as object) as z.infer<typeof TriggerConfigBody>,
      max_concurrent: t.max_concurrent,
      max_resurrections: t.max_resurrections,
      task: t.task,
      removed_at: t.removed_at,
      fire_count: t.fire_count,
      last_fired_at: t.last_fired_at,
    })),
  };
}

export async function requireColony(db: Db, colonyId: string): Promise<ColonyRow> {
  const row = await db.selectFrom("colonies").selectAll().where("id", "=", colonyId).executeTakeFirst();
  if (!row) throw new ColonyNotFoundError(colonyId);
  return row;
}

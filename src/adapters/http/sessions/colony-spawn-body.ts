import { z } from "zod";
import { InvalidTaskSeedError } from "../../../domain/deciders/task-seed.js";
import { ColonyName, Id, Json, NonNegativeInt, PositiveInt } from "../../../domain/events/fields.js";
import { tasksFromSnakeCase } from "../../../runtime/ledger/snake-case-tasks.js";
import type { ColonySpawnInput } from "../../../runtime/sessions/colony-spawn-input.js";
import { ApiError } from "../api-error.js";

/** A task seed in the original ledger's words (progress_db seed_tasks). */
const TaskSeed = z.strictObject({
  id: Id.optional(),
  goal: z.string().min(1),
  seq: NonNegativeInt.optional(),
  priority: z.number().int().optional(),
  payload: Json.nullable().optional(),
  max_retries: NonNegativeInt.optional(),
  parent_task_id: Id.nullable().optional(),
  steps: z
    .array(
      z.strictObject({
        seq: NonNegativeInt.optional(),
        title: z.string().min(1),
        detail: z.string().nullable().optional(),
      }),
    )
    .optional(),
  sop_items: z
    .array(
      z.strictObject({
        key: z.string().min(1),
        description: z.string().min(1),
        required: z.boolean().optional(),
        note: z.string().nullable().optional(),
      }),
    )
    .optional(),
});

const triggerBase = {
  trigger_id: Id,
  max_concurrent: PositiveInt.optional(),
  max_resurrections: NonNegativeInt.optional(),
  /** The instruction each firing's worker gets; default the colony's task. */
  task: z.string().optional(),
};

/** The original's TriggerSpec: a type and its config; a webhook names where its secret is, never the secret. */
const TriggerSeed = z.discriminatedUnion("trigger_type", [
  z.strictObject({
    ...triggerBase,
    trigger_type: z.literal("timer"),
    trigger_config: z
      .strictObject({
        interval_minutes: z.number().positive().optional(),
        interval_seconds: z.number().positive().optional(),
        run_immediately: z.boolean().optional(),
      })
      .refine((c) => (c.interval_minutes === undefined) !== (c.interval_seconds === undefined), {
        message: "give interval_minutes or interval_seconds (one of them)",
        path: ["interval_minutes"],
      }),
  }),
  z.strictObject({
    ...triggerBase,
    trigger_type: z.literal("webhook"),
    trigger_config: z.strictObject({ route: z.string().min(1), secret_ref: z.string().min(1) }),
  }),
  z.strictObject({ ...triggerBase, trigger_type: z.literal("api"), trigger_config: z.strictObject({}).optional() }),
  z.strictObject({ ...triggerBase, trigger_type: z.literal("manual"), trigger_config: z.strictObject({}).optional() }),
]);
type TriggerSeed = z.output<typeof TriggerSeed>;

export const ColonySpawnBody = z.strictObject({
  colony_name: ColonyName,
  /** The single-task form: seeded as one task when `tasks` is absent or empty. */
  task: z.string().optional(),
  tasks: z.array(TaskSeed).optional(),
  /** Advisory: how many workers the colony queen should run at once. */
  concurrency_hint: PositiveInt.optional(),
  triggers: z.array(TriggerSeed).optional(),
  /** Inherited parts left live after the summary. Default 0: the colony starts from one summary. */
  keep_last: NonNegativeInt.optional(),
});
export type ColonySpawnBody = z.output<typeof ColonySpawnBody>;

function triggerConfig(trigger: TriggerSeed): NonNullable<ColonySpawnInput["triggers"]>[number]["config"] {
  switch (trigger.trigger_type) {
    case "timer": {
      const { interval_minutes, interval_seconds, run_immediately } = trigger.trigger_config;
      return {
        kind: "timer",
        intervalSeconds: interval_seconds ?? (interval_minutes as number) * 60,
        runImmediately: run_immediately ?? false,
      };
    }
    case "webhook":
      return { kind: "webhook", route: trigger.trigger_config.route, secretRef: trigger.trigger_config.secret_ref };
    default:
      return { kind: trigger.trigger_type };
  }
}

/** `task[3].sop_items[0].key` (the ledger's words) → `body.tasks.3.sop_items.0.key` (the request's). */
const requestPath = (path: string) => `body.${path.replace(/^task\[/, "tasks[").replace(/\[([0-9]+)\]/g, ".$1")}`;

/** The runtime's input; what the ledger's own rules refuse (duplicate step seqs, SOP keys) is a 400 naming the field. */
export function colonySpawnInput(body: ColonySpawnBody): ColonySpawnInput {
  let tasks: unknown[] | undefined;
  try {
    tasks = body.tasks === undefined ? undefined : tasksFromSnakeCase(body.tasks);
  } catch (error) {
    if (!(error instanceof InvalidTaskSeedError)) throw error;
    const issues = error.issues.map((issue) => ({ path: requestPath(issue.path), message: issue.message }));
    throw new ApiError(400, "invalid_request", issues.map((i) => `${i.path}: ${i.message}`).join("; "), { issues });
  }
  return {
    colonyName: body.colony_name,
    ...(body.task !== undefined ? { task: body.task } : {}),
    ...(tasks !== undefined ? { tasks } : {}),
    ...(body.concurrency_hint !== undefined ? { concurrencyHint: body.concurrency_hint } : {}),
    ...(body.keep_last !== undefined ? { keepLast: body.keep_last } : {}),
    ...(body.triggers
      ? {
          triggers: body.triggers.map((t) => ({
            triggerId: t.trigger_id,
            config: triggerConfig(t),
            ...(t.max_concurrent !== undefined ? { maxConcurrent: t.max_concurrent } : {}),
            ...(t.max_resurrections !== undefined ? { maxResurrections: t.max_resurrections } : {}),
            ...(t.task !== undefined ? { task: t.task } : {}),
          })),
        }
      : {}),
  };
}

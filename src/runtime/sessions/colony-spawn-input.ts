import { z } from "zod";
import { InvalidCommandError } from "../../domain/deciders/refusal.js";
import { colonyEvents } from "../../domain/events/colony.js";
import { ColonyName, Id, NonNegativeInt, PositiveInt, WorkerProfile } from "../../domain/events/fields.js";
import { issuesOf } from "../../domain/events/zod-issues.js";
import type { ContextLimits } from "../conversations/conversation-log.js";

/** The original's trigger defaults (TriggerSpec): ten firings at once, three resurrections. */
const DEFAULT_TRIGGER_MAX_CONCURRENT = 10;
const DEFAULT_TRIGGER_MAX_RESURRECTIONS = 3;

const TriggerInput = z.strictObject({
  triggerId: Id,
  config: colonyEvents.TriggerRegistered.shape.config,
  maxConcurrent: PositiveInt.optional(),
  maxResurrections: NonNegativeInt.optional(),
  /** Default: the colony's task. */
  task: z.string().optional(),
});

export const ColonySpawnInput = z.strictObject({
  colonyName: ColonyName,
  /** The single-task form: seeded as one task when `tasks` is absent or empty, as the original did. */
  task: z.string().optional(),
  /** Task seeds (goal, payload, steps, SOP items ...), checked with the ledger's own rules. */
  tasks: z.array(z.unknown()).optional(),
  concurrencyHint: PositiveInt.optional(),
  triggers: z.array(TriggerInput).optional(),
  /** Overrides of the worker profile derived from the session (prompt, tools, loop, input data). */
  workerProfile: WorkerProfile.partial().optional(),
  /** Inherited parts left live after the summary. Default 0: the colony starts from one summary. */
  keepLast: NonNegativeInt.optional(),
});
export type ColonySpawnInput = z.input<typeof ColonySpawnInput>;
export type ColonySpawnRequest = z.output<typeof ColonySpawnInput>;

/** Refused with the field named (`colonyName: expected lowercase letters, digits and _`). */
export function parseColonySpawn(input: unknown): ColonySpawnRequest {
  const parsed = ColonySpawnInput.safeParse(input);
  if (!parsed.success) throw new InvalidCommandError("ColonySpawn", issuesOf(parsed.error));
  return parsed.data;
}

export interface SeedBatch {
  readonly tasks: readonly unknown[];
  /** The original's sources: `queen_create` for a batch, `create_colony_auto` for the single task. */
  readonly source: string;
}

export function seedBatch(request: ColonySpawnRequest): SeedBatch {
  if (request.tasks && request.tasks.length > 0) return { tasks: request.tasks, source: "queen_create" };
  const goal = request.task?.trim();
  // The single task is seeded so the first worker has a row to claim, not just a chat message.
  return { tasks: goal ? [{ goal }] : [], source: goal ? "create_colony_auto" : "queen_create" };
}

export type WorkerProfileData = z.output<typeof WorkerProfile>;

/**
 * The colony's worker: a task-focused brief rather than the queen's identity (the original found
 * that workers given the queen's persona greeted the user instead of working), the queen's
 * context limits, and the colony and first task in its input data so its first claim is pinned.
 */
export function workerProfile(
  request: ColonySpawnRequest,
  limits: ContextLimits | null,
  colonyId: string,
  taskIds: readonly string[],
): WorkerProfileData {
  const given = request.workerProfile ?? {};
  const brief = request.task?.trim() || "Continue the work from the queen's current session.";
  const firstTask = taskIds[0];
  return {
    systemPrompt:
      given.systemPrompt ??
      [
        "You are a focused worker agent spawned by the queen to carry out one specific task. Read the goal carefully,",
        "use your tools to make progress, and report back when it is done. If you get stuck or need human judgement,",
        `escalate the question to the queen.\n\nTask: ${brief}`,
      ].join(" "),
    toolNames: given.toolNames ?? [],
    loopConfig: { ...(limits ?? {}), ...given.loopConfig },
    inputData: { colony_id: colonyId, ...(firstTask ? { task_id: firstTask } : {}), ...given.inputData },
  };
}

export function registerTriggerCommands(request: ColonySpawnRequest) {
  return (request.triggers ?? []).map((trigger) => ({
    type: "RegisterTrigger" as const,
    triggerId: trigger.triggerId,
    config: trigger.config,
    maxConcurrent: trigger.maxConcurrent ?? DEFAULT_TRIGGER_MAX_CONCURRENT,
    maxResurrections: trigger.maxResurrections ?? DEFAULT_TRIGGER_MAX_RESURRECTIONS,
    task: trigger.task ?? request.task ?? "",
  }));
}

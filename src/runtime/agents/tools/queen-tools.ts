import { z } from "zod";
import { TaskSeedInput } from "../../../domain/deciders/task-seed.js";
import type { DelegationService } from "../../delegation/delegation-service.js";
import type { TaskLedger } from "../../ledger/task-ledger.js";
import { type SpawnForkedDeps, spawnForked, taskMessage } from "../spawn-forked.js";
import { defineTool, jsonResult, type Tool } from "../tool.js";

// Module-level, so each tool's JSON schema is converted once however many agents are built.
const SeedTasksInput = z.strictObject({ tasks: z.array(TaskSeedInput).min(1) });
const SpawnWorkersInput = z.strictObject({
  task: z.string().min(1),
  count: z.number().int().min(1).max(64).optional(),
});
const WaitForReportsInput = z.strictObject({
  worker_ids: z.array(z.string().min(1)).min(1),
  timeout_seconds: z.number().positive().optional(),
});
const DelegateInput = z.strictObject({ goal: z.string().min(1), context: z.string().optional() });

export interface QueenToolDeps {
  readonly spawn: SpawnForkedDeps;
  readonly ledger: TaskLedger;
  readonly colonyId: string;
  /** Her session's background delegations; without it she has no `delegate` tool. */
  readonly delegations?: DelegationService;
}

/**
 * The queen's own tools: seed her colony's queue, spawn workers that inherit her conversation,
 * wait for their reports. Queen-only, so a worker forked from her conversation does not get them.
 */
export function queenTools(deps: QueenToolDeps): Tool[] {
  const delegations = deps.delegations;
  return [
    ...(delegations ? [delegateTool(deps.spawn, delegations)] : []),
    defineTool({
      name: "seed_tasks",
      description:
        "Add tasks (goal, optional priority, payload, steps and SOP items) to the colony's queue, all at once.",
      queenOnly: true,
      input: SeedTasksInput,
      run: async ({ tasks }) => {
        const { taskIds } = await deps.ledger.seedTasks(deps.colonyId, tasks);
        return jsonResult({ seeded: taskIds.length, task_ids: taskIds });
      },
    }),
    defineTool({
      name: "spawn_workers",
      description: "Spawn workers that inherit this conversation and work on a task in the background.",
      queenOnly: true,
      input: SpawnWorkersInput,
      run: async ({ task, count }, context) => {
        const specs = Array.from({ length: count ?? 1 }, () => ({ task }));
        const ids = await spawnForked(deps.spawn, context.conversationId, context.versionBeforeTurn, specs);
        return jsonResult({ worker_ids: ids });
      },
    }),
    defineTool({
      name: "wait_for_reports",
      description: "Wait for workers to report; stragglers past the timeout are stopped and reported as timeout.",
      queenOnly: true,
      input: WaitForReportsInput,
      run: async ({ worker_ids, timeout_seconds }) => {
        const reports = await deps.spawn.runtime.wait(
          worker_ids,
          timeout_seconds ? { timeoutMs: timeout_seconds * 1000 } : {},
        );
        return jsonResult(
          reports.map((r) => ({ worker_id: r.workerId, status: r.status, summary: r.summary, error: r.error })),
        );
      },
    }),
  ];
}

/**
 * Background delegation as a tool: the child is a worker whose conversation forks the queen's
 * (as a spawned worker's does), with the goal as its task; the tool returns the handle at once,
 * and the completion arrives later as a turn of its own. At the session's cap it is refused,
 * and the model reads why.
 */
function delegateTool(spawn: SpawnForkedDeps, delegations: DelegationService): Tool {
  return defineTool({
    name: "delegate",
    description: "Hand a goal to a subagent in the background; its result arrives later as a new message.",
    queenOnly: true,
    input: DelegateInput,
    run: async ({ goal, context }, tool) => {
      const conversationId = spawn.ids.uuid();
      await spawn.conversations.forkAt(
        conversationId,
        tool.conversationId,
        { kind: "session", id: delegations.sessionId },
        "delegation",
        tool.versionBeforeTurn,
      );
      await spawn.conversations.append(conversationId, {
        role: "user",
        content: taskMessage(context ? `${goal}\nContext: ${context}` : goal),
      });
      const handle = await delegations.dispatch({ goal, context: context ?? "", brain: spawn.brain, conversationId });
      return jsonResult({ delegation_id: handle.delegationId, worker_id: handle.workerId });
    },
  });
}

import type { IdGenerator } from "../../domain/ports/id-generator.js";
import type { ColonyRuntime } from "../colony/colony-runtime.js";
import type { JsonRecord, Profile, WorkerBrain } from "../colony/worker-brain.js";
import type { ConversationLog } from "../conversations/conversation-log.js";

export interface ForkedSpawn {
  readonly task: string;
  readonly workerId?: string;
  readonly input?: JsonRecord;
}

export interface SpawnForkedDeps {
  readonly runtime: ColonyRuntime;
  readonly conversations: ConversationLog;
  readonly ids: IdGenerator;
  readonly brain: WorkerBrain;
  readonly profile?: Profile;
  readonly parentSessionId?: string | null;
}

/** The message a spawned worker's own conversation starts with, after what it inherits. */
export function taskMessage(task: string): string {
  return `You are a worker of this colony. Your task: ${task}\nWhen it is done, call report_to_parent.`;
}

/**
 * Spawns workers whose conversations are forks of the queen's at `atVersion` (DESIGN §4): one
 * ConversationForked each, nothing copied, then the task message as the fork's first own part;
 * the workers themselves in one atomic batch. A fork left behind by a spawn that failed
 * afterwards is a conversation without a worker, harmless.
 */
export async function spawnForked(
  deps: SpawnForkedDeps,
  queenConversationId: string,
  atVersion: number,
  specs: readonly ForkedSpawn[],
): Promise<string[]> {
  const planned = specs.map((spec) => ({
    ...spec,
    workerId: spec.workerId ?? deps.ids.uuid(),
    conversationId: deps.ids.uuid(),
  }));
  for (const worker of planned) {
    await deps.conversations.forkAt(
      worker.conversationId,
      queenConversationId,
      { kind: "worker", id: worker.workerId },
      "spawn",
      atVersion,
    );
    await deps.conversations.append(worker.conversationId, { role: "user", content: taskMessage(worker.task) });
  }
  return deps.runtime.spawnBatch(
    planned.map((worker) => ({
      workerId: worker.workerId,
      task: worker.task,
      brain: deps.brain,
      conversationId: worker.conversationId,
      ...(worker.input ? { input: worker.input } : {}),
      ...(deps.profile ? { profile: deps.profile } : {}),
      parentSessionId: deps.parentSessionId ?? null,
    })),
  );
}

import type { Kysely } from "kysely";
import { ColonyError, InvalidArgumentError } from "../../../domain/errors.js";
import type { IdGenerator } from "../../../domain/ports/id-generator.js";
import type { LlmProvider } from "../../../domain/ports/llm-provider.js";
import type { WorkersReadModel } from "../../../projections/workers/workers-projection.js";
import type { ColonyRuntime } from "../../colony/colony-runtime.js";
import type { WorkerContext } from "../../colony/worker-brain.js";
import type { WorkerReport } from "../../colony/worker-report.js";
import type { ConversationLog } from "../../conversations/conversation-log.js";
import { agentBrain } from "../agent-brain.js";
import type { ToolRegistry } from "../tool.js";
import { type Divergence, Recording } from "./recording.js";

export class UnknownWorkerError extends ColonyError<"unknown_worker"> {
  constructor(readonly workerId: string) {
    super("unknown_worker", `no worker ${workerId}`, { workerId });
  }
}

export interface ReplayDeps<DB extends WorkersReadModel = WorkersReadModel> {
  /** The runtime of the worker's colony: the replay runs as a new worker there. */
  readonly runtime: ColonyRuntime;
  readonly conversations: ConversationLog;
  readonly readModels: Kysely<DB>;
  readonly ids: IdGenerator;
  /** The replay worker's tools, as the original's were made. */
  readonly tools: (worker: WorkerContext) => ToolRegistry;
  /** The model for a live replay. */
  readonly model?: LlmProvider;
}

export type ReplayMode = "recorded" | "live";

export interface ReplayOptions {
  /** The version of the worker's conversation to fork at; default its task message (the whole run again). */
  readonly fromVersion?: number;
  readonly mode: ReplayMode;
}

export interface ReplayOutcome {
  readonly originalWorkerId: string;
  readonly workerId: string;
  readonly conversationId: string;
  readonly fromVersion: number;
  readonly mode: ReplayMode;
  readonly original: { readonly status: string | null; readonly summary: string | null };
  readonly report: WorkerReport;
  readonly divergences: readonly Divergence[];
  /** Same status and summary as the original, with no divergence on the way. */
  readonly reproduced: boolean;
}

/**
 * Replay from a checkpoint (DESIGN §4): fork the worker's conversation at `fromVersion` and run
 * a new worker on the fork. `recorded` answers the model and the tools from the original run's
 * parts after the checkpoint (deterministic, no tokens, no side effect again) and reports where
 * the replay asks for something the record cannot answer alike; `live` calls the model again.
 */
export async function replay<DB extends WorkersReadModel>(
  deps: ReplayDeps<DB>,
  workerId: string,
  options: ReplayOptions,
): Promise<ReplayOutcome> {
  // Any database with the workers table (Kysely is invariant in its table map).
  const workers = deps.readModels as unknown as Kysely<WorkersReadModel>;
  const original = await workers
    .selectFrom("workers")
    .select(["conversation_id", "task", "report_status", "report_summary"])
    .where("id", "=", workerId)
    .executeTakeFirst();
  if (!original) throw new UnknownWorkerError(workerId);
  if (options.mode === "live" && !deps.model) throw new InvalidArgumentError("mode", "a live replay needs a model");
  const history = await deps.conversations.history(original.conversation_id);
  const own = history.parts.filter((p) => p.conversationId === original.conversation_id);
  const head = (await deps.conversations.head(original.conversation_id)).version;
  const fromVersion = options.fromVersion ?? own[0]?.version ?? head;
  if (!Number.isInteger(fromVersion) || fromVersion < 0 || fromVersion > head) {
    throw new InvalidArgumentError(
      "fromVersion",
      `expected a version of ${original.conversation_id} from 0 to ${head}`,
    );
  }

  const replayId = deps.ids.uuid();
  const conversationId = deps.ids.uuid();
  await deps.conversations.forkAt(
    conversationId,
    original.conversation_id,
    { kind: "worker", id: replayId },
    `replay of ${workerId} from version ${fromVersion} (${options.mode})`,
    fromVersion,
  );
  const recording = new Recording(own.filter((p) => p.version > fromVersion));
  const brain =
    options.mode === "recorded"
      ? agentBrain({
          conversations: deps.conversations,
          model: recording.model,
          tools: deps.tools,
          callTool: recording.callTool,
          onToolResult: (call, content) => recording.noteToolPart(call, content),
        })
      : agentBrain({ conversations: deps.conversations, model: deps.model as LlmProvider, tools: deps.tools });
  await deps.runtime.spawn({
    workerId: replayId,
    task: original.task,
    brain,
    conversationId,
    input: { task: original.task, replay_of: workerId, from_version: fromVersion, mode: options.mode },
  });
  const [report] = await deps.runtime.wait([replayId]);
  const divergences = options.mode === "recorded" ? recording.divergences : [];
  return {
    originalWorkerId: workerId,
    workerId: replayId,
    conversationId,
    fromVersion,
    mode: options.mode,
    original: { status: original.report_status, summary: original.report_summary },
    report: report as WorkerReport,
    divergences,
    reproduced:
      divergences.length === 0 &&
      report?.status === original.report_status &&
      report?.summary === original.report_summary,
  };
}

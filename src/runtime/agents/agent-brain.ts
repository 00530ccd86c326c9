import type { LlmProvider } from "../../domain/ports/llm-provider.js";
import type { BrainReport, WorkerBrain, WorkerContext } from "../colony/worker-brain.js";
import type { Compactor } from "../compaction/compactor.js";
import type { ConversationLog } from "../conversations/conversation-log.js";
import type { LiveBus } from "../live-bus.js";
import { type AgentOutcome, type AgentRun, type CallTool, runAgent } from "./agent-loop.js";
import type { ToolRegistry } from "./tool.js";

export interface AgentBrainOptions {
  readonly conversations: ConversationLog;
  readonly model: LlmProvider;
  /** The worker's tools: its ledger tools are bound to its own id. */
  readonly tools: (worker: WorkerContext) => ToolRegistry;
  /** Used when the worker's profile sets no maxIterations. Default 40. */
  readonly maxIterations?: number;
  /** Compacts the worker's conversation before a model call when it nears its limit. */
  readonly compactor?: Pick<Compactor, "compactIfNeeded">;
  readonly bus?: LiveBus;
  readonly callTool?: CallTool;
  readonly onToolResult?: AgentRun["onToolResult"];
  /** Hears each run's outcome (the demo and replays read model calls and exits from it). */
  readonly onOutcome?: (workerId: string, outcome: AgentOutcome) => void;
}

/**
 * The agent loop as a worker's brain (the default brain of a colony): it runs in the worker's
 * own conversation, which spawning forked from the queen's, so a resurrected worker carries on
 * from the log. The overseer (persistent) answers each injected message in turn until stopped.
 */
export function agentBrain(options: AgentBrainOptions): WorkerBrain {
  const { compactor } = options;
  return async (worker) => {
    const tools = options.tools(worker);
    let waiting: readonly string[] = [];
    for (;;) {
      const outcome = await runAgent({
        agentId: worker.workerId,
        conversationId: worker.conversationId,
        conversations: options.conversations,
        model: options.model,
        tools,
        maxIterations: worker.profile.loopConfig.maxIterations ?? options.maxIterations ?? 40,
        signal: worker.signal,
        nextInput: () => {
          const input = [...waiting, ...worker.nextInput()];
          waiting = [];
          return input;
        },
        ...(options.bus ? { bus: options.bus } : {}),
        ...(compactor ? { beforeModelCall: async (id: string) => void (await compactor.compactIfNeeded(id)) } : {}),
        ...(options.callTool ? { callTool: options.callTool } : {}),
        ...(options.onToolResult ? { onToolResult: options.onToolResult } : {}),
      });
      options.onOutcome?.(worker.workerId, outcome);
      if (!(worker.persistent && outcome.exit === "replied")) return brainReport(outcome);
      waiting = await worker.waitForInput();
      if (waiting.length === 0) return brainReport(outcome);
    }
  };
}

/** How each way a run ends reads as a worker report; the run's figures go with it as data. */
export function brainReport(outcome: AgentOutcome): BrainReport {
  const figures = { exit: outcome.exit, model_calls: outcome.modelCalls, tool_calls: outcome.toolCalls };
  const tokens = outcome.tokens;
  switch (outcome.exit) {
    case "reported": {
      const report = outcome.report as NonNullable<AgentOutcome["report"]>;
      return {
        status: report.status,
        summary: report.summary,
        data: { ...figures, result: report.data as never },
        error: report.status === "failed" ? report.summary : null,
        tokens,
      };
    }
    case "escalated":
      return { status: "partial", summary: `escalated: ${outcome.escalation}`, data: figures, tokens };
    case "replied":
      return { status: "partial", summary: outcome.reply || "(ended without a report)", data: figures, tokens };
    case "max_iterations":
      return {
        status: "failed",
        summary: `gave up after ${outcome.modelCalls} model calls without a report`,
        data: figures,
        error: "max_iterations",
        tokens,
      };
    default:
      return { status: "failed", summary: "aborted", data: figures, error: "aborted", tokens };
  }
}

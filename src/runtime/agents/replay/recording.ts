import type {
  CompleteOptions,
  LlmProvider,
  LlmRequest,
  LlmResponse,
  LlmToolCall,
} from "../../../domain/ports/llm-provider.js";
import { LlmProviderError } from "../../../domain/ports/llm-provider.js";
import type { HistoryPart } from "../../../projections/conversations/live-context.js";
import type { CallTool } from "../agent-loop.js";

/** Where a recorded replay and the original run part ways: what was recorded, what happened now. */
export interface Divergence {
  /** The replay's model call (1-based) at which it happened. */
  readonly call: number;
  readonly kind: "model" | "tool";
  readonly recorded: unknown;
  readonly now: unknown;
  readonly message: string;
}

/**
 * The original run after a checkpoint, as the replay answers from it: each model call gets the
 * next recorded assistant part, each tool call the recorded tool part of the same id. Nothing is
 * executed and no token is spent; whatever the replay asks that the record cannot answer the same
 * way is a divergence (the run's nondeterminism, or code that changed since).
 */
export class Recording {
  readonly divergences: Divergence[] = [];
  private readonly answers: readonly HistoryPart[];
  private readonly results = new Map<string, HistoryPart>();
  private calls = 0;

  /** `parts`: the original conversation's own parts after the checkpoint, in order. */
  constructor(parts: readonly HistoryPart[]) {
    this.answers = parts.filter((p) => p.role === "assistant");
    for (const part of parts) if (part.role === "tool" && part.toolCallId) this.results.set(part.toolCallId, part);
  }

  get modelCalls(): number {
    return this.calls;
  }

  readonly model: LlmProvider = {
    name: "recorded",
    complete: async (request: LlmRequest, options?: CompleteOptions): Promise<LlmResponse> => {
      options?.signal?.throwIfAborted();
      const call = ++this.calls;
      const answer = this.answers[call - 1];
      if (!answer) {
        this.diverge(
          call,
          "model",
          null,
          lastMessages(request),
          "the replay asked the model more often than the original run did",
        );
        throw new LlmProviderError(
          "llm_script_exhausted",
          `the recording has ${this.answers.length} model answers`,
          false,
        );
      }
      const offered = new Set(request.tools.map((t) => t.name));
      for (const toolCall of answer.toolCalls ?? []) {
        if (!offered.has(toolCall.name)) {
          this.diverge(
            call,
            "model",
            toolCall,
            [...offered],
            `the recorded answer calls ${toolCall.name}, which the replay does not offer`,
          );
        }
      }
      options?.onDelta?.(answer.content);
      return {
        content: answer.content,
        toolCalls: (answer.toolCalls ?? []).map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
        model: answer.model ?? "recorded",
        usage: { inputTokens: 0, outputTokens: 0 },
        stopReason: (answer.toolCalls ?? []).length > 0 ? "tool_calls" : "end",
      };
    },
  };

  /**
   * Answers a validated call from the record: the tool never runs, unless it is one that only
   * ends the run (report_to_parent, escalate), which runs as it did then.
   */
  readonly callTool: CallTool = async (tool, input, call: LlmToolCall, context) => {
    if (tool.replayable) return tool.run(input, context);
    const recorded = this.results.get(call.id);
    if (!recorded) {
      this.diverge(
        this.calls,
        "tool",
        null,
        { name: call.name, arguments: input },
        `no recorded result for ${call.name} call ${call.id}`,
      );
      return { content: `error: the recording has no result for ${call.name}` };
    }
    return { content: recorded.content };
  };

  /**
   * A recorded call the replay's tools refuse (renamed, or its schema changed): the agent loop
   * answers it with an error part, which this compares with what was recorded.
   */
  noteToolPart(call: LlmToolCall, content: string): void {
    const recorded = this.results.get(call.id);
    if (recorded && recorded.content !== content) {
      this.diverge(
        this.calls,
        "tool",
        { name: call.name, arguments: call.arguments, result: recorded.content },
        { result: content },
        `${call.name} answered differently than it did in the original run`,
      );
    }
  }

  private diverge(call: number, kind: Divergence["kind"], recorded: unknown, now: unknown, message: string): void {
    this.divergences.push({ call, kind, recorded, now, message });
  }
}

function lastMessages(request: LlmRequest) {
  return request.messages.slice(-2);
}

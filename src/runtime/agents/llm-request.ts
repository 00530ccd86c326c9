import type { LlmMessage, LlmRequest, LlmToolSpec } from "../../domain/ports/llm-provider.js";
import type { LiveContext } from "../../projections/conversations/live-context.js";

/**
 * The model's view of a live context: the system prompt apart, then the parts in seq order. A
 * `system` part written into the conversation (a runtime notice) travels as a user message,
 * since providers take one system prompt only.
 */
export function llmRequest(context: LiveContext, tools: readonly LlmToolSpec[], system?: string): LlmRequest {
  const messages: LlmMessage[] = context.parts.map((part): LlmMessage => {
    switch (part.role) {
      case "assistant":
        return part.toolCalls && part.toolCalls.length > 0
          ? { role: "assistant", content: part.content, toolCalls: part.toolCalls }
          : { role: "assistant", content: part.content };
      case "tool":
        return { role: "tool", toolCallId: part.toolCallId ?? "", content: part.content };
      case "system":
        return { role: "user", content: `[system] ${part.content}` };
      default:
        return { role: "user", content: part.content };
    }
  });
  return { system: system ?? context.systemPrompt ?? "", messages, tools };
}

import type { LivePart, ToolCall } from "../../../src/projections/conversations/live-context.js";

/** A live part as the read model gives it, for the pure pieces' tests. */
export function part(
  seq: number,
  role: LivePart["role"],
  content: string,
  extra: { toolCalls?: ToolCall[]; toolCallId?: string; summary?: true } = {},
): LivePart {
  return {
    conversationId: "c",
    version: seq + 1,
    seq,
    role,
    content,
    toolCalls: extra.toolCalls ?? null,
    toolCallId: extra.toolCallId ?? null,
    flags: null,
    model: null,
    usage: null,
    latencyMs: null,
    inherited: false,
    ...(extra.summary ? { summary: true as const } : {}),
  };
}

export const call = (id: string, name: string, args: unknown = {}): ToolCall => ({ id, name, arguments: args });

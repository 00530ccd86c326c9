import { z } from "zod";
import { Id, Json, NonNegativeInt, PositiveInt, TokenUsage } from "./fields.js";

const Owner = z.strictObject({
  kind: z.enum(["queen", "worker", "session"]),
  id: Id,
});

const ContextLimits = z.strictObject({
  maxContextTokens: PositiveInt,
  compactionBufferTokens: NonNegativeInt,
  compactionRatio: z.number().min(0).max(1),
});

const ToolCall = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  arguments: Json,
});

export const MessageRole = z.enum(["user", "assistant", "tool", "system"]);

export const conversationEvents = {
  ConversationStarted: z.strictObject({
    conversationId: Id,
    owner: Owner,
    systemPrompt: z.string(),
    limits: ContextLimits,
  }),
  ConversationForked: z.strictObject({
    conversationId: Id,
    owner: Owner,
    parentConversationId: Id,
    // The last parent version the fork inherits; the fork reads the parent up to it.
    parentVersion: NonNegativeInt,
    reason: z.string(),
  }),
  MessagePartAppended: z
    .strictObject({
      seq: NonNegativeInt,
      role: MessageRole,
      content: z.string(),
      toolCalls: z.array(ToolCall).optional(),
      toolCallId: z.string().min(1).optional(),
      flags: z
        .strictObject({
          clientInput: z.boolean().optional(),
          trigger: z.boolean().optional(),
          inherited: z.boolean().optional(),
        })
        .optional(),
      model: z.string().optional(),
      usage: TokenUsage.optional(),
      latencyMs: NonNegativeInt.optional(),
    })
    .refine((p) => p.role === "tool" || p.toolCallId === undefined, {
      message: "only tool parts carry a toolCallId",
      path: ["toolCallId"],
    })
    .refine((p) => p.role !== "tool" || p.toolCallId !== undefined, {
      message: "a tool part needs the toolCallId it answers",
      path: ["toolCallId"],
    }),
  ConversationCompacted: z.strictObject({
    throughSeq: NonNegativeInt,
    summary: z.string(),
    method: z.enum(["llm", "extractive"]),
    counts: z.strictObject({
      partsCompacted: NonNegativeInt,
      tokensBefore: NonNegativeInt,
      tokensAfter: NonNegativeInt,
    }),
  }),
  CheckpointMarked: z.strictObject({ label: z.string().min(1), version: NonNegativeInt }),
};

import type { LiveContext, LivePart } from "../../projections/conversations/live-context.js";

/**
 * How many tokens a context will cost, without a tokenizer: about 4 characters per token (the
 * usual figure for English text with the BPE vocabularies of current models), plus a fixed
 * overhead per message for the role and framing tokens every chat format adds. Deterministic
 * and vendor-neutral on purpose: the threshold only needs to be roughly right and always the
 * same for the same context, so a compaction decision replays identically.
 *
 * Recorded `usage` is not used: an assistant part's usage is the input of the whole call that
 * produced it (every earlier part included), not the part's own size, so it cannot be summed.
 */
export const CHARS_PER_TOKEN = 4;
export const MESSAGE_OVERHEAD_TOKENS = 4;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

type SizedPart = Pick<LivePart, "content" | "toolCalls">;

export function estimatePartTokens(part: SizedPart): number {
  let tokens = MESSAGE_OVERHEAD_TOKENS + estimateTextTokens(part.content);
  for (const call of part.toolCalls ?? []) {
    tokens += estimateTextTokens(call.name) + estimateTextTokens(JSON.stringify(call.arguments) ?? "");
  }
  return tokens;
}

export function estimatePartsTokens(parts: readonly SizedPart[]): number {
  return parts.reduce((sum, part) => sum + estimatePartTokens(part), 0);
}

/** The system prompt and every live part, the summary part included. */
export function estimateContextTokens(context: Pick<LiveContext, "systemPrompt" | "parts">): number {
  return estimateTextTokens(context.systemPrompt ?? "") + estimatePartsTokens(context.parts);
}

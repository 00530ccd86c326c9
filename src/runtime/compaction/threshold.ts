import type { LiveContext } from "../../projections/conversations/live-context.js";
import type { ContextLimits } from "../conversations/conversation-log.js";
import { estimateContextTokens } from "./token-estimate.js";

/**
 * The estimated size at which a context is compacted: max − (buffer + ratio × max). The buffer
 * leaves room for the next answer and tool results, the ratio scales that room with the window.
 * Floored to whole tokens; never below 0 (limits whose reserve exceeds the window compact always).
 */
export function compactionThreshold(limits: ContextLimits): number {
  const reserve = limits.compactionBufferTokens + limits.compactionRatio * limits.maxContextTokens;
  return Math.max(0, Math.floor(limits.maxContextTokens - reserve));
}

/** Whether the live context has reached the threshold of its limits. */
export function needsCompaction(context: Pick<LiveContext, "systemPrompt" | "parts">, limits: ContextLimits): boolean {
  return estimateContextTokens(context) >= compactionThreshold(limits);
}

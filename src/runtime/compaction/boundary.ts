import { InvalidArgumentError } from "../../domain/errors.js";
import type { LivePart } from "../../projections/conversations/live-context.js";

export interface CompactionBoundary {
  /** What the new summary replaces, in order: the earlier summary part (if any), then the parts cut. */
  readonly compacted: readonly LivePart[];
  /** What stays live after the summary. */
  readonly kept: readonly LivePart[];
  /** The seq of the last part cut: the ConversationCompacted event's throughSeq. */
  readonly throughSeq: number;
  /** Parts cut by this compaction (an earlier summary is not counted again). */
  readonly partsCompacted: number;
}

/**
 * Where to cut a live context: everything but the last `keepLast` parts goes into the summary.
 * The cut moves earlier rather than split an assistant's tool calls from their results (a model
 * given a tool result without the call that asked for it rejects the request), so more than
 * `keepLast` parts may stay. Null when nothing would be cut.
 */
export function compactionBoundary(parts: readonly LivePart[], keepLast: number): CompactionBoundary | null {
  if (!Number.isInteger(keepLast) || keepLast < 0) {
    throw new InvalidArgumentError("keepLast", `expected a non-negative integer, got ${keepLast}`);
  }
  const earlier = parts.filter((p) => p.summary === true);
  const candidates = parts.filter((p) => p.summary !== true);
  let cut = Math.max(0, candidates.length - keepLast);
  while (cut > 0 && candidates[cut]?.role === "tool") cut--;
  const last = candidates[cut - 1];
  if (last === undefined) return null;
  return {
    compacted: [...earlier, ...candidates.slice(0, cut)],
    kept: candidates.slice(cut),
    throughSeq: last.seq,
    partsCompacted: cut,
  };
}

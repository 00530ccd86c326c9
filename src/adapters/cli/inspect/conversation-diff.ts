import type {
  AncestryEntry,
  ConversationHistory,
  HistoryPart,
} from "../../../projections/conversations/live-context.js";

/**
 * Where two conversations part: their common ancestor through fork ancestry, the parts both read
 * from the same events, the parts each recorded separately yet alike, and the first seq at which
 * they differ. Pure: it compares two histories (every part, compacted or not: compaction only
 * changes what a model is sent, not what happened).
 */
export interface ConversationDiff {
  readonly a: Side;
  readonly b: Side;
  readonly sameConversation: boolean;
  /** The deepest conversation in both fork chains, and the last version of it both see. */
  readonly commonAncestor: { readonly conversationId: string; readonly version: number } | null;
  /** Parts both read from the same log events (inherited through the common ancestor). */
  readonly shared: SeqRange | null;
  /** Parts past the shared ones that are distinct events but equal in role, content and tool calls. */
  readonly alike: SeqRange | null;
  /** The first seq where the two differ, with each side's part there (null: that side has none). */
  readonly divergence: {
    readonly seq: number;
    readonly a: HistoryPart | null;
    readonly b: HistoryPart | null;
    /** What differs between the two parts (empty when one side has none). */
    readonly differs: readonly Aspect[];
    /** Index of the first differing character of the two contents, when both have one and they differ. */
    readonly contentDiffersAt: number | null;
  } | null;
}

export interface Side {
  readonly conversationId: string;
  readonly ancestry: readonly AncestryEntry[];
  readonly parts: number;
  readonly lastSeq: number | null;
}

export interface SeqRange {
  readonly fromSeq: number;
  readonly throughSeq: number;
  readonly parts: number;
}

export type Aspect = "role" | "content" | "tool calls" | "answered call";

/** What a part says, for "alike": who speaks, the text, the calls and the call it answers. */
const ASPECTS: readonly (readonly [Aspect, (part: HistoryPart) => unknown])[] = [
  ["role", (p) => p.role],
  ["content", (p) => p.content],
  ["tool calls", (p) => p.toolCalls ?? []],
  ["answered call", (p) => p.toolCallId],
];

function differingAspects(x: HistoryPart, y: HistoryPart): Aspect[] {
  return ASPECTS.filter(([, of]) => JSON.stringify(of(x)) !== JSON.stringify(of(y))).map(([aspect]) => aspect);
}

const sameEvent = (x: HistoryPart, y: HistoryPart) => x.conversationId === y.conversationId && x.version === y.version;

function side(history: ConversationHistory): Side {
  return {
    conversationId: history.conversationId,
    ancestry: history.ancestry,
    parts: history.parts.length,
    lastSeq: history.parts.at(-1)?.seq ?? null,
  };
}

/**
 * Ancestry lists run root first, one conversation per depth, so the common part of two chains is a
 * prefix. The ancestor's own row has no bound (null): it is then seen up to its head.
 */
function commonAncestor(
  a: ConversationHistory,
  b: ConversationHistory,
  headVersion: (conversationId: string) => number,
): ConversationDiff["commonAncestor"] {
  let common: { entryA: AncestryEntry; entryB: AncestryEntry } | undefined;
  for (let i = 0; i < Math.min(a.ancestry.length, b.ancestry.length); i++) {
    const entryA = a.ancestry[i] as AncestryEntry;
    const entryB = b.ancestry[i] as AncestryEntry;
    if (entryA.conversationId !== entryB.conversationId) break;
    common = { entryA, entryB };
  }
  if (!common) return null;
  const id = common.entryA.conversationId;
  const seen = (entry: AncestryEntry) => entry.upToVersion ?? headVersion(id);
  return { conversationId: id, version: Math.min(seen(common.entryA), seen(common.entryB)) };
}

function range(parts: readonly HistoryPart[]): SeqRange | null {
  const first = parts[0];
  const last = parts.at(-1);
  return first && last ? { fromSeq: first.seq, throughSeq: last.seq, parts: parts.length } : null;
}

function firstDifference(x: string, y: string): number | null {
  if (x === y) return null;
  const xs = [...x];
  const ys = [...y];
  let i = 0;
  while (i < xs.length && i < ys.length && xs[i] === ys[i]) i++;
  return i;
}

export function diffConversations(
  a: ConversationHistory,
  b: ConversationHistory,
  headVersion: (conversationId: string) => number,
): ConversationDiff {
  const bySeqB = new Map(b.parts.map((p) => [p.seq, p]));
  const bySeqA = new Map(a.parts.map((p) => [p.seq, p]));
  const seqs = [...new Set([...bySeqA.keys(), ...bySeqB.keys()])].sort((x, y) => x - y);
  const shared: HistoryPart[] = [];
  const alike: HistoryPart[] = [];
  let divergence: ConversationDiff["divergence"] = null;
  for (const seq of seqs) {
    const pa = bySeqA.get(seq) ?? null;
    const pb = bySeqB.get(seq) ?? null;
    const differs = pa && pb ? differingAspects(pa, pb) : [];
    if (pa && pb && sameEvent(pa, pb) && alike.length === 0) shared.push(pa);
    else if (pa && pb && differs.length === 0) alike.push(pa);
    else {
      const differsAt = pa && pb ? firstDifference(pa.content, pb.content) : null;
      divergence = { seq, a: pa, b: pb, differs, contentDiffersAt: differsAt };
      break;
    }
  }
  return {
    a: side(a),
    b: side(b),
    sameConversation: a.conversationId === b.conversationId,
    commonAncestor: commonAncestor(a, b, headVersion),
    shared: range(shared),
    alike: range(alike),
    divergence,
  };
}

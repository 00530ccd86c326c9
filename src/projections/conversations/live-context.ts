import { type Kysely, sql } from "kysely";
import type { LogEvents } from "../log-events-table.js";
import type { ConversationsReadModel, PartRole } from "./conversations-projection.js";
import { type PartData, partCacheOf, partData } from "./part-data.js";

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: unknown;
}

export interface PartFlags {
  readonly clientInput?: boolean;
  readonly trigger?: boolean;
  readonly inherited?: boolean;
}

export interface LivePart {
  /** The conversation whose stream holds the part (an ancestor's for an inherited part). */
  readonly conversationId: string;
  /** The part's version in that stream (for the summary part: the compaction's version). */
  readonly version: number;
  /** For the summary part: the compaction's throughSeq. */
  readonly seq: number;
  readonly role: PartRole;
  readonly content: string;
  readonly toolCalls: readonly ToolCall[] | null;
  readonly toolCallId: string | null;
  readonly flags: PartFlags | null;
  readonly model: string | null;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number } | null;
  readonly latencyMs: number | null;
  /** Whether the part comes from an ancestor's stream (read through the fork, never copied). */
  readonly inherited: boolean;
  /** Only on the synthetic part that stands for the compacted history. */
  readonly summary?: true;
}

export interface AncestryEntry {
  readonly conversationId: string;
  /** The last version of that conversation that is visible; null for the conversation itself. */
  readonly upToVersion: number | null;
  /** 0 for the root. */
  readonly depth: number;
}

export interface CompactionRef {
  readonly conversationId: string;
  readonly version: number;
  readonly throughSeq: number;
  readonly summary: string;
  readonly method: "llm" | "extractive";
}

export interface LiveContext {
  readonly conversationId: string;
  /** A fork's prompt is its root's. */
  readonly systemPrompt: string | null;
  /** Root first, the conversation itself last. */
  readonly ancestry: readonly AncestryEntry[];
  /** The latest compaction visible along the fork chain, or null. */
  readonly compaction: CompactionRef | null;
  /**
   * In seq order. When there is a compaction, the parts with seq <= its throughSeq are replaced
   * by ONE summary part, placed first, with role "user": provider message lists (Anthropic's in
   * particular) take the system prompt apart and only user/assistant turns inside, and a user
   * turn is a valid first message everywhere. Its content is the summary text as recorded.
   */
  readonly parts: readonly LivePart[];
}

export interface HistoryPart extends LivePart {
  /** Whether the live context replaces this part by the summary. */
  readonly compacted: boolean;
}

export interface ConversationHistory {
  readonly conversationId: string;
  readonly systemPrompt: string | null;
  readonly ancestry: readonly AncestryEntry[];
  /** The live context's compaction boundary (see LiveContext.compaction). */
  readonly compaction: CompactionRef | null;
  /** Every compaction visible along the chain, oldest first (chain order, then version). */
  readonly compactions: readonly CompactionRef[];
  /** Every visible part, compacted or not, in seq order. */
  readonly parts: readonly HistoryPart[];
}

/** The role of the synthetic part that stands for compacted history. */
export const SUMMARY_ROLE: PartRole = "user";

type Db = Kysely<ConversationsReadModel & LogEvents>;

/**
 * Kysely is invariant in its table map, so a Kysely over every read model (ReadModels) is not a
 * Kysely<ConversationsReadModel>; the readers accept any map that includes these tables.
 */
const narrow = <DB extends ConversationsReadModel>(db: Kysely<DB>): Db => db as unknown as Db;

interface Header {
  readonly systemPrompt: string | null;
  readonly ancestry: AncestryEntry[];
  readonly compaction: CompactionRef | null;
}

/**
 * Query 1: the conversation, its ancestry rows (root first) and its visible compaction, in one
 * read (one row per ancestor, on the primary keys of the three tables).
 */
async function header(db: Db, conversationId: string): Promise<Header | undefined> {
  const rows = await db
    .selectFrom("conversations as c")
    .innerJoin("conversation_ancestry as a", "a.conversation_id", "c.id")
    .leftJoin("conversation_compactions as k", (join) =>
      join
        .onRef("k.conversation_id", "=", "c.compaction_conversation_id")
        .onRef("k.version", "=", "c.compaction_version"),
    )
    .select([
      "c.system_prompt",
      "a.ancestor_id",
      "a.up_to_version",
      "a.depth",
      "k.conversation_id as k_conversation_id",
      "k.version as k_version",
      "k.through_seq as k_through_seq",
      "k.summary as k_summary",
      "k.method as k_method",
    ])
    .where("c.id", "=", conversationId)
    .orderBy("a.depth")
    .execute();
  const first = rows[0];
  if (!first) return undefined;
  const compaction =
    first.k_conversation_id === null ||
    first.k_version === null ||
    first.k_through_seq === null ||
    first.k_summary === null ||
    first.k_method === null
      ? null
      : {
          conversationId: first.k_conversation_id,
          version: first.k_version,
          throughSeq: first.k_through_seq,
          summary: first.k_summary,
          method: first.k_method,
        };
  return {
    systemPrompt: first.system_prompt,
    ancestry: rows.map((r) => ({ conversationId: r.ancestor_id, upToVersion: r.up_to_version, depth: r.depth })),
    compaction,
  };
}

/** One visible part: the conversation holding it, its version there, and its data from the log. */
type PartTuple = [conversationId: string, version: number, data: PartData];

const seqOf = (t: PartTuple) => t[2].seq;

/**
 * Query 2: the visible parts after `afterSeq`: for each ancestry row, the ancestor's parts up to
 * its fork version (the index on conversation_id, seq), as small keys [position, conversation,
 * version] in one string; their data then comes from the log by position (part-data.ts), parsed
 * once per process. Parts are never copied into forks, nor out of the log.
 *
 * The conversation id needs no escaping: stream ids are drawn from an alphabet without quotes or
 * backslashes (domain/stream-id.ts). The join runs ancestry first (primary key: conversation_id,
 * depth) and parts by seq within each, so the array is normally in seq order already; `bySeq`
 * checks and sorts only when a writer broke the seq convention, so the order never rests on the
 * aggregate's unspecified input order.
 */
async function visibleParts(
  db: Db,
  conversationId: string,
  ancestry: readonly AncestryEntry[],
  afterSeq: number | null,
): Promise<PartTuple[]> {
  let query = db
    .selectFrom("conversation_ancestry as a")
    .innerJoin("conversation_parts as p", "p.conversation_id", "a.ancestor_id")
    .select(
      sql<
        string | null
      >`string_agg('[' || p.position || ',"' || p.conversation_id || '",' || p.version || ']', ',')`.as("keys"),
    )
    .where("a.conversation_id", "=", conversationId)
    .where((eb) => eb.or([eb("a.up_to_version", "is", null), eb("p.version", "<=", eb.ref("a.up_to_version"))]));
  if (afterSeq !== null) query = query.where("p.seq", ">", afterSeq);
  const row = await query.executeTakeFirst();
  // No part: NULL, so "[]".
  const keys = JSON.parse(`[${row?.keys ?? ""}]`) as [number, string, number][];
  const data = await partData(
    db,
    partCacheOf(db),
    keys.map(([position]) => position),
  );
  return bySeq(
    keys.map(([, holder, version], i): PartTuple => [holder, version, data[i] as PartData]),
    ancestry,
  );
}

/** In seq order, then ancestors first (by depth). */
function bySeq(tuples: PartTuple[], ancestry: readonly AncestryEntry[]): PartTuple[] {
  const depths = new Map(ancestry.map((a) => [a.conversationId, a.depth]));
  const depth = (t: PartTuple) => depths.get(t[0]) ?? 0;
  for (let i = 1; i < tuples.length; i++) {
    const previous = tuples[i - 1] as PartTuple;
    const current = tuples[i] as PartTuple;
    if (seqOf(previous) > seqOf(current) || (seqOf(previous) === seqOf(current) && depth(previous) > depth(current))) {
      return tuples.sort((x, y) => seqOf(x) - seqOf(y) || depth(x) - depth(y));
    }
  }
  return tuples;
}

function toPart([holder, version, d]: PartTuple, conversationId: string): LivePart {
  return {
    conversationId: holder,
    version,
    seq: d.seq,
    role: d.role,
    content: d.content,
    toolCalls: d.toolCalls ?? null,
    toolCallId: d.toolCallId ?? null,
    flags: d.flags ?? null,
    model: d.model ?? null,
    usage: d.usage ?? null,
    latencyMs: d.latencyMs ?? null,
    inherited: holder !== conversationId,
  };
}

function summaryPart(compaction: CompactionRef, conversationId: string): LivePart {
  return {
    conversationId: compaction.conversationId,
    version: compaction.version,
    seq: compaction.throughSeq,
    role: SUMMARY_ROLE,
    content: compaction.summary,
    toolCalls: null,
    toolCallId: null,
    flags: null,
    model: null,
    usage: null,
    latencyMs: null,
    inherited: compaction.conversationId !== conversationId,
    summary: true,
  };
}

/**
 * The context an agent sends to the model: the ancestors' parts up to their fork versions and its
 * own, in seq order, with everything at or before the latest visible compaction's throughSeq
 * replaced by one summary part (first). Two indexed reads. Undefined for an unknown conversation.
 */
export async function liveContext<DB extends ConversationsReadModel>(
  readModels: Kysely<DB>,
  conversationId: string,
): Promise<LiveContext | undefined> {
  const db = narrow(readModels);
  const head = await header(db, conversationId);
  if (!head) return undefined;
  const { compaction } = head;
  const rows = await visibleParts(db, conversationId, head.ancestry, compaction?.throughSeq ?? null);
  const parts: LivePart[] = [];
  if (compaction) parts.push(summaryPart(compaction, conversationId));
  for (const row of rows) parts.push(toPart(row, conversationId));
  return { conversationId, systemPrompt: head.systemPrompt, ancestry: head.ancestry, compaction, parts };
}

/**
 * The full history behind a conversation: every part of its own stream and of its ancestors' up
 * to the fork versions, compacted or not (compaction deletes nothing), with every visible
 * compaction. Undefined for an unknown conversation.
 */
export async function conversationHistory<DB extends ConversationsReadModel>(
  readModels: Kysely<DB>,
  conversationId: string,
): Promise<ConversationHistory | undefined> {
  const db = narrow(readModels);
  const head = await header(db, conversationId);
  if (!head) return undefined;
  const [rows, compactionRows] = await Promise.all([
    visibleParts(db, conversationId, head.ancestry, null),
    db
      .selectFrom("conversation_ancestry as a")
      .innerJoin("conversation_compactions as k", "k.conversation_id", "a.ancestor_id")
      .select(["k.conversation_id", "k.version", "k.through_seq", "k.summary", "k.method"])
      .where("a.conversation_id", "=", conversationId)
      .where((eb) => eb.or([eb("a.up_to_version", "is", null), eb("k.version", "<=", eb.ref("a.up_to_version"))]))
      .orderBy("a.depth")
      .orderBy("k.version")
      .execute(),
  ]);
  const boundary = head.compaction?.throughSeq ?? null;
  return {
    conversationId,
    systemPrompt: head.systemPrompt,
    ancestry: head.ancestry,
    compaction: head.compaction,
    compactions: compactionRows.map((k) => ({
      conversationId: k.conversation_id,
      version: k.version,
      throughSeq: k.through_seq,
      summary: k.summary,
      method: k.method,
    })),
    parts: rows.map((row) => ({
      ...toPart(row, conversationId),
      compacted: boundary !== null && seqOf(row) <= boundary,
    })),
  };
}

import type { Kysely } from "kysely";
import { z } from "zod";
import {
  type CompactionRef,
  conversationHistory,
  type LivePart,
  SUMMARY_ROLE,
} from "../../../projections/conversations/live-context.js";
import type { ReadModels } from "../../../projections/read-models.js";
import { UnknownConversationError } from "../../../runtime/conversations/conversation-log.js";
import { ConversationVersionNotFoundError } from "./errors.js";

const PartBody = z.strictObject({
  /** The conversation whose stream holds the part: an ancestor's for an inherited part. */
  conversation_id: z.string(),
  version: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
  role: z.enum(["user", "assistant", "tool", "system"]),
  content: z.string(),
  tool_calls: z.array(z.strictObject({ id: z.string(), name: z.string(), arguments: z.unknown() })).nullable(),
  tool_call_id: z.string().nullable(),
  flags: z
    .strictObject({
      client_input: z.boolean().optional(),
      trigger: z.boolean().optional(),
      inherited: z.boolean().optional(),
    })
    .nullable(),
  model: z.string().nullable(),
  usage: z.strictObject({ input_tokens: z.number().int(), output_tokens: z.number().int() }).nullable(),
  latency_ms: z.number().nullable(),
  inherited: z.boolean(),
  /** The one part that stands for the compacted history in the live view. */
  summary: z.boolean(),
  /** In the history view: whether the live context replaces this part by the summary. */
  compacted: z.boolean(),
});
export type PartBody = z.infer<typeof PartBody>;

const CompactionBody = z.strictObject({
  conversation_id: z.string(),
  version: z.number().int().nonnegative(),
  through_seq: z.number().int().nonnegative(),
  summary: z.string(),
  method: z.enum(["llm", "extractive"]),
});

export const ConversationBody = z.strictObject({
  conversation_id: z.string(),
  owner: z.strictObject({ kind: z.string(), id: z.string() }),
  parent_id: z.string().nullable(),
  parent_version: z.number().int().nullable(),
  root_id: z.string(),
  depth: z.number().int().nonnegative(),
  started_at: z.string(),
  /** The version of its own stream shown: the one asked for, or the last. */
  version: z.number().int().nonnegative(),
  last_version: z.number().int().nonnegative(),
  /** `live`: the context an agent would be given; `history`: every visible part, compacted ones marked. */
  view: z.enum(["live", "history"]),
  system_prompt: z.string().nullable(),
  /** Root first, the conversation itself last (its `up_to_version` null). */
  ancestry: z.array(
    z.strictObject({
      conversation_id: z.string(),
      up_to_version: z.number().int().nullable(),
      depth: z.number().int(),
    }),
  ),
  /** The compaction the live context starts from, or null. */
  compaction: CompactionBody.nullable(),
  /** Every compaction visible along the fork chain, oldest first. */
  compactions: z.array(CompactionBody),
  parts: z.array(PartBody),
  checkpoints: z.array(
    z.strictObject({
      label: z.string(),
      /** The version the label names. */
      marked_version: z.number().int().nonnegative(),
      /** The CheckpointMarked event's own version and log position. */
      version: z.number().int().nonnegative(),
      position: z.number().int().positive(),
    }),
  ),
});
export type ConversationBody = z.infer<typeof ConversationBody>;

export function partBody(part: LivePart, compacted = false): PartBody {
  const { flags, usage } = part;
  return {
    conversation_id: part.conversationId,
    version: part.version,
    seq: part.seq,
    role: part.role,
    content: part.content,
    tool_calls: part.toolCalls ? part.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })) : null,
    tool_call_id: part.toolCallId,
    flags: flags
      ? {
          ...(flags.clientInput !== undefined ? { client_input: flags.clientInput } : {}),
          ...(flags.trigger !== undefined ? { trigger: flags.trigger } : {}),
          ...(flags.inherited !== undefined ? { inherited: flags.inherited } : {}),
        }
      : null,
    model: part.model,
    usage: usage ? { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens } : null,
    latency_ms: part.latencyMs,
    inherited: part.inherited,
    summary: part.summary === true,
    compacted,
  };
}

export const compactionBody = (k: CompactionRef) => ({
  conversation_id: k.conversationId,
  version: k.version,
  through_seq: k.throughSeq,
  summary: k.summary,
  method: k.method,
});

/** The synthetic part the live context puts first in place of the compacted history (live-context.ts). */
function summaryPart(k: CompactionRef, conversationId: string): PartBody {
  return {
    conversation_id: k.conversationId,
    version: k.version,
    seq: k.throughSeq,
    role: SUMMARY_ROLE,
    content: k.summary,
    tool_calls: null,
    tool_call_id: null,
    flags: null,
    model: null,
    usage: null,
    latency_ms: null,
    inherited: k.conversationId !== conversationId,
    summary: true,
    compacted: false,
  };
}

export interface ConversationAtOptions {
  /** A version of the conversation's own stream; default its last. */
  readonly version?: number;
  readonly history?: boolean;
}

/**
 * A conversation as it stood at a version of its own stream: what its live context was right
 * after that event was appended (or, with `history`, every part visible then).
 *
 * Neither a fork (a read appends nothing) nor a fold of the log up to the version's position
 * (which costs the whole log before it): the fork chain above a conversation is fixed when it is
 * forked (each ancestor is seen up to its fork version), so only the conversation's own stream
 * moves, and the state at version V is the full history with its own parts and compactions
 * after V left out; the live boundary is then the latest compaction still visible, deepest
 * conversation first (the projection's rule). Two indexed reads, like the live context itself.
 * The tests check it equals the live context of the log folded up to that version's position.
 */
export async function conversationAt(
  db: Kysely<ReadModels>,
  conversationId: string,
  options: ConversationAtOptions = {},
): Promise<ConversationBody> {
  const row = await db.selectFrom("conversations").selectAll().where("id", "=", conversationId).executeTakeFirst();
  if (!row) throw new UnknownConversationError(conversationId);
  const version = options.version ?? row.last_version;
  if (version > row.last_version) throw new ConversationVersionNotFoundError(conversationId, version, row.last_version);
  const [history, checkpoints] = await Promise.all([
    conversationHistory(db, conversationId),
    db
      .selectFrom("conversation_checkpoints")
      .select(["label", "marked_version", "version", "position"])
      .where("conversation_id", "=", conversationId)
      .where("version", "<=", version)
      .orderBy("version")
      .execute(),
  ]);
  if (!history) throw new UnknownConversationError(conversationId);
  // Parts and compactions of the conversation's own stream appended after the version, even
  // after `row` was read, are left out, so the answer is one consistent point.
  const seen = (holder: string, at: number) => holder !== conversationId || at <= version;
  const parts = history.parts.filter((p) => seen(p.conversationId, p.version));
  const compactions = history.compactions.filter((k) => seen(k.conversationId, k.version));
  const compaction = compactions.at(-1) ?? null;
  const boundary = compaction?.throughSeq ?? null;
  const compactedAway = (p: LivePart) => boundary !== null && p.seq <= boundary;
  return {
    conversation_id: conversationId,
    owner: { kind: row.owner_kind, id: row.owner_id },
    parent_id: row.parent_id,
    parent_version: row.parent_version,
    root_id: row.root_id,
    depth: row.depth,
    started_at: row.started_at,
    version,
    last_version: row.last_version,
    view: options.history ? "history" : "live",
    system_prompt: history.systemPrompt,
    ancestry: history.ancestry.map((a) => ({
      conversation_id: a.conversationId,
      up_to_version: a.upToVersion,
      depth: a.depth,
    })),
    compaction: compaction ? compactionBody(compaction) : null,
    compactions: compactions.map(compactionBody),
    parts: options.history
      ? parts.map((p) => partBody(p, compactedAway(p)))
      : [
          ...(compaction ? [summaryPart(compaction, conversationId)] : []),
          ...parts.filter((p) => !compactedAway(p)).map((p) => partBody(p)),
        ],
    checkpoints,
  };
}

import type { Kysely } from "kysely";
import { z } from "zod";
import type { ConversationsTable } from "../../../projections/conversations/conversations-projection.js";
import type { ReadModels } from "../../../projections/read-models.js";

/**
 * One conversation as the fork tree needs it: who owns it, which conversation and version it was
 * forked from, and how far its own stream has gone. The parts are read one conversation at a time
 * (`GET /api/conversations/:id`).
 */
export const ConversationSummaryBody = z.strictObject({
  conversation_id: z.string(),
  owner: z.strictObject({ kind: z.string(), id: z.string() }),
  /** The conversation it was forked from, and the last version of it the fork sees; null for a root. */
  parent_id: z.string().nullable(),
  parent_version: z.number().int().nonnegative().nullable(),
  /** Why it was forked, as the ConversationForked event says (spawn, delegation, a replay ...). */
  fork_reason: z.string().nullable(),
  root_id: z.string(),
  depth: z.number().int().nonnegative(),
  started_at: z.string(),
  updated_at: z.string(),
  last_version: z.number().int().nonnegative(),
  /** Parts of its own stream; inherited ones are not counted. */
  part_count: z.number().int().nonnegative(),
  /** The seq its live context is compacted through (the compaction may be an ancestor's), or null. */
  compacted_through_seq: z.number().int().nonnegative().nullable(),
});
export type ConversationSummaryBody = z.infer<typeof ConversationSummaryBody>;

function summaryBody(row: ConversationsTable): ConversationSummaryBody {
  return {
    conversation_id: row.id,
    owner: { kind: row.owner_kind, id: row.owner_id },
    parent_id: row.parent_id,
    parent_version: row.parent_version,
    fork_reason: row.fork_reason,
    root_id: row.root_id,
    depth: row.depth,
    started_at: row.started_at,
    updated_at: row.updated_at,
    last_version: row.last_version,
    part_count: row.part_count,
    compacted_through_seq: row.compacted_through_seq,
  };
}

/** Every conversation, oldest first (ties by id). */
export async function conversationList(db: Kysely<ReadModels>): Promise<ConversationSummaryBody[]> {
  const rows = await db.selectFrom("conversations").selectAll().orderBy("started_at").orderBy("id").execute();
  return rows.map(summaryBody);
}

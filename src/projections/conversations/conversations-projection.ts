import { type Kysely, sql } from "kysely";
import type { RecordedEvent } from "../../domain/envelope.js";
import { defineProjection } from "../projection.js";
import { type Placeholders, statement } from "../statement.js";
import { WITHOUT_ROWID } from "../table-options.js";

export type PartRole = "user" | "assistant" | "tool" | "system";

export interface ConversationsTable {
  id: string;
  owner_kind: string;
  owner_id: string;
  /** A fork has no prompt of its own: it inherits its parent's (copied when the fork is folded). */
  system_prompt: string | null;
  /** The context limits as JSON; a fork copies its parent's. */
  limits: string | null;
  parent_id: string | null;
  parent_version: number | null;
  fork_reason: string | null;
  /** The conversation at the top of the fork chain (itself for a root). */
  root_id: string;
  /** 0 for a root, the parent's depth + 1 for a fork. */
  depth: number;
  started_at: string;
  updated_at: string;
  /** The version of the last event of its own stream. */
  last_version: number;
  /** Parts of its own stream (inherited parts are not counted). */
  part_count: number;
  /** The seq the next part takes: one past the highest seq visible (inherited or own). */
  next_seq: number;
  /** The compaction the live context starts from: the latest one visible along the fork chain. */
  compaction_conversation_id: string | null;
  compaction_version: number | null;
  compacted_through_seq: number | null;
}

/**
 * One row per MessagePartAppended: where the part sits (its conversation, version and seq) and
 * where its text is, the event's log position. The part itself is read from the log (see
 * LogEventsTable), never copied: the live-context read joins the two.
 */
export interface ConversationPartsTable {
  conversation_id: string;
  /** Version of the MessagePartAppended event in its conversation stream. */
  version: number;
  seq: number;
  /** Global log position of the event. */
  position: number;
}

/**
 * The fork chain of each conversation, one row per ancestor and one for itself, so the live
 * context is one indexed join: `ancestor_id`'s parts with version <= `up_to_version`.
 */
export interface ConversationAncestryTable {
  conversation_id: string;
  ancestor_id: string;
  /** The last version of the ancestor that is visible; NULL (unbounded) on the row for itself. */
  up_to_version: number | null;
  /** The ancestor's depth: 0 for the root. */
  depth: number;
}

export interface ConversationCompactionsTable {
  conversation_id: string;
  version: number;
  through_seq: number;
  summary: string;
  method: "llm" | "extractive";
  parts_compacted: number;
  tokens_before: number;
  tokens_after: number;
  recorded_at: string;
  position: number;
}

export interface ConversationCheckpointsTable {
  conversation_id: string;
  /** Version of the CheckpointMarked event itself. */
  version: number;
  /** The version the label names. */
  marked_version: number;
  label: string;
  recorded_at: string;
  position: number;
}

export interface ConversationsReadModel {
  conversations: ConversationsTable;
  conversation_parts: ConversationPartsTable;
  conversation_ancestry: ConversationAncestryTable;
  conversation_compactions: ConversationCompactionsTable;
  conversation_checkpoints: ConversationCheckpointsTable;
}

const PREFIX = "conversation-";

/**
 * The conversation id is the stream's id: `conversation-{id}`. ConversationStarted and
 * ConversationForked also carry a `conversationId`; the stream wins (a handler cannot refuse an
 * event already in the log), so a mismatching payload id is ignored.
 */
export const conversationIdOf = (event: RecordedEvent) =>
  event.streamId.startsWith(PREFIX) ? event.streamId.slice(PREFIX.length) : event.streamId;
const at = (event: RecordedEvent) => event.metadata.recordedAt;
const versionOf = (event: RecordedEvent) => Number(event.version);
const positionOf = (event: RecordedEvent) => Number(event.position);

type Q = Kysely<ConversationsReadModel>;

/**
 * The latest compaction visible through a conversation's ancestry rows (already capped at the
 * fork versions): the deepest conversation's first, then the highest version.
 */
function visibleCompaction(q: Q, conversationId: string) {
  return q
    .selectFrom("conversation_ancestry as a")
    .innerJoin("conversation_compactions as k", "k.conversation_id", "a.ancestor_id")
    .where("a.conversation_id", "=", conversationId)
    .where((eb) => eb.or([eb("a.up_to_version", "is", null), eb("k.version", "<=", eb.ref("a.up_to_version"))]))
    .orderBy("a.depth", "desc")
    .orderBy("k.version", "desc")
    .limit(1);
}

/** Every event of a conversation's stream moves its last version and activity time. */
interface Touch {
  id: string;
  last_version: number;
  updated_at: string;
}

const touch = (event: RecordedEvent): Touch => ({
  id: conversationIdOf(event),
  last_version: versionOf(event),
  updated_at: at(event),
});

const touched = statement<ConversationsReadModel, Touch>((q, p) =>
  q.updateTable("conversations").set({ last_version: p.last_version, updated_at: p.updated_at }).where("id", "=", p.id),
);

/** A root's ancestry: one unbounded row, for itself. */
const insertRootAncestry = statement<ConversationsReadModel, { id: string }>((q, p) =>
  q
    .insertInto("conversation_ancestry")
    .values({ conversation_id: p.id, ancestor_id: p.id, up_to_version: null, depth: 0 }),
);

const insertRoot = statement<
  ConversationsReadModel,
  Pick<ConversationsTable, "id" | "owner_kind" | "owner_id" | "system_prompt" | "limits" | "last_version"> & {
    at: string;
  }
>((q, p) =>
  q.insertInto("conversations").values({
    id: p.id,
    owner_kind: p.owner_kind,
    owner_id: p.owner_id,
    system_prompt: p.system_prompt,
    limits: p.limits,
    parent_id: null,
    parent_version: null,
    fork_reason: null,
    root_id: p.id,
    depth: 0,
    started_at: p.at,
    updated_at: p.at,
    last_version: p.last_version,
    part_count: 0,
    next_seq: 0,
    compaction_conversation_id: null,
    compaction_version: null,
    compacted_through_seq: null,
  }),
);

interface Fork {
  id: string;
  parent_id: string;
  parent_version: number;
}

/** The parent's ancestry rows for the child: the parent's own row (unbounded there) capped at the fork version. */
const inheritAncestry = statement<ConversationsReadModel, Fork>((q, p) =>
  q
    .insertInto("conversation_ancestry")
    .columns(["conversation_id", "ancestor_id", "up_to_version", "depth"])
    .expression(
      q
        .selectFrom("conversation_ancestry")
        .select((eb) => [
          eb.val(p.id).as("conversation_id"),
          "ancestor_id",
          eb.fn.coalesce("up_to_version", eb.val(p.parent_version)).as("up_to_version"),
          "depth",
        ])
        .where("conversation_id", "=", p.parent_id),
    ),
);

const parentOf = (q: Q, p: Placeholders<Fork>) => q.selectFrom("conversations").where("id", "=", p.parent_id);

/** The fork's depth: its parent's + 1 (1 when the parent is unknown). */
const forkDepth = (q: Q, p: Placeholders<Fork>) => sql<number>`coalesce((${parentOf(q, p).select("depth")}) + 1, 1)`;

/** The fork's own row in its ancestry, unbounded, one level below its parent. */
const insertForkAncestry = statement<ConversationsReadModel, Fork>((q, p) =>
  q
    .insertInto("conversation_ancestry")
    .values({ conversation_id: p.id, ancestor_id: p.id, up_to_version: null, depth: forkDepth(q, p) }),
);

const insertFork = statement<
  ConversationsReadModel,
  Fork & Pick<ConversationsTable, "owner_kind" | "owner_id" | "fork_reason" | "last_version"> & { at: string }
>((q, p) =>
  q.insertInto("conversations").values((eb) => ({
    id: p.id,
    owner_kind: p.owner_kind,
    owner_id: p.owner_id,
    system_prompt: parentOf(q, p).select("system_prompt"),
    limits: parentOf(q, p).select("limits"),
    parent_id: p.parent_id,
    parent_version: p.parent_version,
    fork_reason: p.fork_reason,
    root_id: sql<string>`coalesce((${parentOf(q, p).select("root_id")}), ${p.parent_id})`,
    depth: forkDepth(q, p),
    started_at: p.at,
    updated_at: p.at,
    last_version: p.last_version,
    part_count: 0,
    // One past the highest inherited seq: per ancestor, one backwards step on (conversation_id, seq).
    next_seq: sql<number>`coalesce((${eb
      .selectFrom("conversation_ancestry as a")
      .select((sub) =>
        sub.fn
          .max(
            sub
              .selectFrom("conversation_parts as p")
              .select("p.seq")
              .whereRef("p.conversation_id", "=", "a.ancestor_id")
              .where((w) => w.or([w("a.up_to_version", "is", null), w("p.version", "<=", w.ref("a.up_to_version"))]))
              .orderBy("p.seq", "desc")
              .limit(1),
          )
          .as("seq"),
      )
      .where("a.conversation_id", "=", p.id)}) + 1, 0)`,
    compaction_conversation_id: visibleCompaction(q, p.id).select("k.conversation_id"),
    compaction_version: visibleCompaction(q, p.id).select("k.version"),
    compacted_through_seq: visibleCompaction(q, p.id).select("k.through_seq"),
  })),
);

const insertPart = statement<ConversationsReadModel, ConversationPartsTable>((q, p) =>
  q.insertInto("conversation_parts").values({
    conversation_id: p.conversation_id,
    version: p.version,
    seq: p.seq,
    position: p.position,
  }),
);

/** A part counts towards its conversation and moves its next seq past its own. */
const touchedByPart = statement<ConversationsReadModel, Touch & { next_seq: number }>((q, p) =>
  q
    .updateTable("conversations")
    .set((eb) => ({
      last_version: p.last_version,
      updated_at: p.updated_at,
      part_count: eb("part_count", "+", 1),
      // The greater of the two, in SQL every dialect reads alike (SQLite's max(a, b) is its own).
      next_seq: eb.case().when("next_seq", ">=", p.next_seq).then(eb.ref("next_seq")).else(p.next_seq).end(),
    }))
    .where("id", "=", p.id),
);

const insertCompaction = statement<ConversationsReadModel, ConversationCompactionsTable>((q, p) =>
  q.insertInto("conversation_compactions").values({
    conversation_id: p.conversation_id,
    version: p.version,
    through_seq: p.through_seq,
    summary: p.summary,
    method: p.method,
    parts_compacted: p.parts_compacted,
    tokens_before: p.tokens_before,
    tokens_after: p.tokens_after,
    recorded_at: p.recorded_at,
    position: p.position,
  }),
);

/** The conversation's own latest compaction supersedes whatever it inherited. */
const touchedByCompaction = statement<ConversationsReadModel, Touch & { through_seq: number }>((q, p) =>
  q
    .updateTable("conversations")
    .set({
      last_version: p.last_version,
      updated_at: p.updated_at,
      compaction_conversation_id: p.id,
      // The compaction is this event: its version is the conversation's last.
      compaction_version: p.last_version,
      compacted_through_seq: p.through_seq,
    })
    .where("id", "=", p.id),
);

const insertCheckpoint = statement<ConversationsReadModel, ConversationCheckpointsTable>((q, p) =>
  q.insertInto("conversation_checkpoints").values({
    conversation_id: p.conversation_id,
    version: p.version,
    marked_version: p.marked_version,
    label: p.label,
    recorded_at: p.recorded_at,
    position: p.position,
  }),
);

/** Conversation parts with fork ancestry and the compaction boundary (DESIGN §4, §5). */
export const conversationsProjection = defineProjection<ConversationsReadModel>({
  name: "conversations",
  // 3: parts point at their event in the log instead of holding a copy of it.
  version: 3,
  tables: [
    "conversations",
    "conversation_ancestry",
    "conversation_parts",
    "conversation_compactions",
    "conversation_checkpoints",
  ],
  schema: (q) => [
    q.schema
      .createTable("conversations")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("owner_kind", "text", (c) => c.notNull())
      .addColumn("owner_id", "text", (c) => c.notNull())
      .addColumn("system_prompt", "text")
      .addColumn("limits", "text")
      .addColumn("parent_id", "text")
      .addColumn("parent_version", "integer")
      .addColumn("fork_reason", "text")
      .addColumn("root_id", "text", (c) => c.notNull())
      .addColumn("depth", "integer", (c) => c.notNull())
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("last_version", "integer", (c) => c.notNull())
      .addColumn("part_count", "integer", (c) => c.notNull())
      .addColumn("next_seq", "integer", (c) => c.notNull())
      .addColumn("compaction_conversation_id", "text")
      .addColumn("compaction_version", "integer")
      .addColumn("compacted_through_seq", "integer"),
    q.schema.createIndex("conversations_parent").on("conversations").columns(["parent_id", "parent_version"]),
    q.schema.createIndex("conversations_owner").on("conversations").columns(["owner_kind", "owner_id"]),
    q.schema
      .createTable("conversation_ancestry")
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("ancestor_id", "text", (c) => c.notNull())
      .addColumn("up_to_version", "integer")
      .addColumn("depth", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("conversation_ancestry_pk", ["conversation_id", "depth"]),
    // Which conversations inherit from this one (descendants), e.g. to find a fork's children.
    q.schema.createIndex("conversation_ancestry_ancestor").on("conversation_ancestry").columns(["ancestor_id"]),
    q.schema
      .createTable("conversation_parts")
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("conversation_parts_pk", ["conversation_id", "version"])
      .modifyEnd(WITHOUT_ROWID),
    // The live-context read: per ancestor, parts after the compaction boundary in seq order.
    q.schema.createIndex("conversation_parts_seq").on("conversation_parts").columns(["conversation_id", "seq"]),
    q.schema
      .createTable("conversation_compactions")
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("through_seq", "integer", (c) => c.notNull())
      .addColumn("summary", "text", (c) => c.notNull())
      .addColumn("method", "text", (c) => c.notNull())
      .addColumn("parts_compacted", "integer", (c) => c.notNull())
      .addColumn("tokens_before", "integer", (c) => c.notNull())
      .addColumn("tokens_after", "integer", (c) => c.notNull())
      .addColumn("recorded_at", "text", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("conversation_compactions_pk", ["conversation_id", "version"]),
    q.schema
      .createTable("conversation_checkpoints")
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("marked_version", "integer", (c) => c.notNull())
      .addColumn("label", "text", (c) => c.notNull())
      .addColumn("recorded_at", "text", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("conversation_checkpoints_pk", ["conversation_id", "version"]),
    q.schema
      .createIndex("conversation_checkpoints_label")
      .on("conversation_checkpoints")
      .columns(["conversation_id", "label"]),
  ],
  handlers: {
    ConversationStarted: (event) => {
      const id = conversationIdOf(event);
      return [
        insertRootAncestry({ id }),
        insertRoot({
          id,
          owner_kind: event.data.owner.kind,
          owner_id: event.data.owner.id,
          system_prompt: event.data.systemPrompt,
          limits: JSON.stringify(event.data.limits),
          last_version: versionOf(event),
          at: at(event),
        }),
      ];
    },

    /**
     * O(depth), never O(parts): the child gets the parent's ancestry rows (the parent's own row,
     * unbounded there, capped at the fork's parentVersion; the older ancestors keep their caps,
     * since every version of the parent already includes its own fork marker), plus a row for
     * itself. No part is copied. The prompt, limits and visible compaction come from subqueries.
     */
    ConversationForked: (event) => {
      const fork: Fork = {
        id: conversationIdOf(event),
        parent_id: event.data.parentConversationId,
        parent_version: event.data.parentVersion,
      };
      return [
        inheritAncestry(fork),
        insertForkAncestry(fork),
        insertFork({
          ...fork,
          owner_kind: event.data.owner.kind,
          owner_id: event.data.owner.id,
          fork_reason: event.data.reason,
          last_version: versionOf(event),
          at: at(event),
        }),
      ];
    },

    MessagePartAppended: (event) => {
      const { seq } = event.data;
      return [
        insertPart({
          conversation_id: conversationIdOf(event),
          version: versionOf(event),
          seq,
          position: positionOf(event),
        }),
        touchedByPart({ ...touch(event), next_seq: seq + 1 }),
      ];
    },

    ConversationCompacted: (event) => {
      const d = event.data;
      return [
        insertCompaction({
          conversation_id: conversationIdOf(event),
          version: versionOf(event),
          through_seq: d.throughSeq,
          summary: d.summary,
          method: d.method,
          parts_compacted: d.counts.partsCompacted,
          tokens_before: d.counts.tokensBefore,
          tokens_after: d.counts.tokensAfter,
          recorded_at: at(event),
          position: positionOf(event),
        }),
        touchedByCompaction({ ...touch(event), through_seq: d.throughSeq }),
      ];
    },

    CheckpointMarked: (event) => [
      insertCheckpoint({
        conversation_id: conversationIdOf(event),
        version: versionOf(event),
        marked_version: event.data.version,
        label: event.data.label,
        recorded_at: at(event),
        position: positionOf(event),
      }),
      touched(touch(event)),
    ],
  },
});

import type { Kysely } from "kysely";
import { conversationEvents } from "../../domain/events/conversation.js";
import type { ConversationsReadModel } from "../../projections/conversations/conversations-projection.js";
import type { LiveContext } from "../../projections/conversations/live-context.js";
import type { ContextLimits, ConversationLog } from "../conversations/conversation-log.js";
import { ConversationBusyError } from "./errors.js";

/** A live context and the stream version it was read at: what a compaction or a fork expects. */
export interface ContextSnapshot {
  readonly version: number;
  readonly live: LiveContext;
}

const ATTEMPTS = 5;

/**
 * The live context together with the version it reflects. The head is read before and after: an
 * append landing between the reads (another task of this process, another process) would pair
 * a context with the wrong version, and a compaction or fork expecting it would be off by a part.
 */
export async function snapshot(conversations: ConversationLog, conversationId: string): Promise<ContextSnapshot> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const before = await conversations.head(conversationId);
    const live = await conversations.live(conversationId);
    const after = await conversations.head(conversationId);
    if (before.version === after.version) return { version: before.version, live };
  }
  throw new ConversationBusyError(conversationId, ATTEMPTS);
}

const Limits = conversationEvents.ConversationStarted.shape.limits;

/** The limits the conversation started with (a fork's are its root's); null if none are recorded. */
export async function conversationLimits<DB extends ConversationsReadModel>(
  readModels: Kysely<DB>,
  conversationId: string,
): Promise<ContextLimits | null> {
  const db = readModels as unknown as Kysely<ConversationsReadModel>;
  const row = await db.selectFrom("conversations").select("limits").where("id", "=", conversationId).executeTakeFirst();
  if (!row?.limits) return null;
  const parsed = Limits.safeParse(JSON.parse(row.limits));
  return parsed.success ? parsed.data : null;
}

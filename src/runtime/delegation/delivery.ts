import { refuse } from "../../domain/deciders/refusal.js";
import type { StreamAppend } from "../../domain/ports/event-store.js";
import type { ConversationLog } from "../conversations/conversation-log.js";
import { completionPart } from "./completion-message.js";
import { UnknownDelegationError } from "./errors.js";
import type { DeliveredCompletion } from "./parent-turns.js";
import type { SessionLog } from "./session-log.js";

/** The seq ConversationLog.appendParts gave the part: it numbers the parts it builds. */
function seqOf(append: StreamAppend): number {
  const data = append.events[0]?.data as { seq?: unknown } | undefined;
  if (typeof data?.seq !== "number") throw new Error(`${append.streamId}: the part to deliver carries no seq`);
  return data.seq;
}

/**
 * Delivers one completed delegation into its session's conversation, exactly once (DESIGN §6):
 * the part and `DelegationDelivered` (naming the part's seq) go in one appendMany, the session
 * expected at the version read and the conversation at its head. Two deliverers of the same
 * completion (a retry after a crash, another process recovering the session) can both prepare
 * it, but only one append can hold both expected versions; the other re-reads, finds it
 * delivered and appends nothing. A crash before the append leaves neither, so the next recovery
 * delivers it; a crash after leaves both, so it never delivers again.
 *
 * Resolves with where the part went, or null when it was delivered already. A delegation whose
 * child has not completed is refused with the decider's code, delegation_not_completed.
 */
export async function deliverCompletion(
  session: SessionLog,
  conversations: ConversationLog,
  delegationId: string,
): Promise<DeliveredCompletion | null> {
  // Completions never change once written, so the part is rendered once from the stream's facts.
  const record = await session.record(delegationId);
  if (record === undefined) throw new UnknownDelegationError(session.sessionId, delegationId);
  if (record.delivered !== null) return null;
  const { completion } = record;
  if (completion === null) {
    throw refuse(
      "delegation_not_completed",
      `delegation ${delegationId} has not completed: there is nothing to deliver`,
      {
        sessionId: session.sessionId,
        delegationId,
        status: record.status,
      },
    );
  }
  const part = completionPart(record, completion);
  let delivered: DeliveredCompletion | null = null;
  const appended = await session.executePrepared(async (state) => {
    if (state.delegations.get(delegationId) === "delivered") return null;
    const { conversationId } = state;
    const append = await conversations.appendParts(conversationId, part);
    const seq = seqOf(append);
    delivered = { delegationId, conversationId, seq };
    return { command: { type: "DeliverDelegation", delegationId, conversationId, seq }, companions: [append] };
  });
  return appended === null ? null : delivered;
}

import type { PartInput } from "../conversations/conversation-log.js";
import type { DelegationCompletion, DelegationRecord } from "./delegation-record.js";

const orNone = (text: string | null): string => (text === null || text.trim() === "" ? "(none)" : text);

/**
 * The completion as the parent reads it: a self-contained block, with the original runtime's
 * field names, because the parent may be deep in unrelated work by now and no longer remember
 * why it dispatched the child. The goal and context let it use the result or dispatch again if
 * things have moved on.
 */
export function completionText(record: DelegationRecord, completion: DelegationCompletion): string {
  const status = record.status === "interrupted" ? "interrupted" : completion.status;
  const lines = [
    `[Background delegation ${record.delegationId} finished: ${status}]`,
    "This is the result of a subagent you dispatched in the background, not a message from the user.",
    "",
    `delegation_id: ${record.delegationId}`,
    `goal: ${record.goal}`,
    `context: ${orNone(record.context)}`,
    `status: ${status}`,
    `worker_status: ${completion.status}`,
    `exit_reason: ${completion.exitReason}`,
    `duration_seconds: ${Number((completion.durationMs / 1000).toFixed(2))}`,
    `api_calls: ${completion.modelCalls}`,
    `dispatched_at: ${record.dispatchedAt}`,
    `completed_at: ${record.completedAt ?? "(unknown)"}`,
  ];
  if (record.interruptReason !== null) lines.push(`interrupt_reason: ${record.interruptReason}`);
  lines.push(`error: ${orNone(completion.error)}`, "summary:", orNone(completion.summary));
  return lines.join("\n");
}

/** A new user turn that asks the parent to act on it (the trigger flag), never client input. */
export function completionPart(record: DelegationRecord, completion: DelegationCompletion): PartInput {
  return { role: "user", content: completionText(record, completion), flags: { trigger: true } };
}

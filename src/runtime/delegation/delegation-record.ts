import type { SessionEvent } from "../../domain/deciders/session.js";
import type { RecordedEvent } from "../../domain/envelope.js";
import type { ReportStatus } from "../colony/worker-report.js";

/**
 * `running` until the child completes; `interrupted` from the interrupt on, before and after the
 * child's completion (the original's status for an interrupted child); `completed` otherwise.
 */
export type DelegationStatus = "running" | "completed" | "interrupted";

/** How the child ended, as `DelegationCompleted` records it. */
export interface DelegationCompletion {
  /** The worker's report status: a crashed child is `failed` (the original said "error"). */
  readonly status: ReportStatus;
  readonly summary: string;
  readonly error: string | null;
  readonly durationMs: number;
  readonly modelCalls: number;
  readonly exitReason: string;
}

export interface DelegationRecord {
  readonly delegationId: string;
  readonly workerId: string;
  readonly goal: string;
  readonly context: string;
  readonly status: DelegationStatus;
  readonly dispatchedAt: string;
  readonly interruptReason: string | null;
  /** Null while the child runs (interrupted or not). */
  readonly completion: DelegationCompletion | null;
  readonly completedAt: string | null;
  /** Where and when the completion entered the parent's conversation. */
  readonly delivered: { readonly seq: number; readonly at: string } | null;
}

/** A session event as read from its stream. */
export type StoredSessionEvent = SessionEvent & Pick<RecordedEvent, "version" | "metadata">;

/** The delegation a session event is about, or undefined for the session's other events. */
export function delegationIdOf(event: SessionEvent): string | undefined {
  switch (event.type) {
    case "DelegationDispatched":
    case "DelegationInterrupted":
    case "DelegationCompleted":
    case "DelegationDelivered":
      return event.data.delegationId;
    default:
      return undefined;
  }
}

/**
 * Folds one event about a delegation into its record. The decider has already refused anything
 * out of order, so this only records what the stream says.
 */
export function evolveRecord(
  record: DelegationRecord | undefined,
  event: StoredSessionEvent,
): DelegationRecord | undefined {
  const at = event.metadata.recordedAt;
  if (event.type === "DelegationDispatched") {
    const { delegationId, workerId, goal, context } = event.data;
    return {
      delegationId,
      workerId,
      goal,
      context,
      status: "running",
      dispatchedAt: at,
      interruptReason: null,
      completion: null,
      completedAt: null,
      delivered: null,
    };
  }
  if (record === undefined) return record;
  switch (event.type) {
    case "DelegationInterrupted":
      return { ...record, status: "interrupted", interruptReason: event.data.reason };
    case "DelegationCompleted": {
      const { delegationId: _id, ...completion } = event.data;
      return {
        ...record,
        status: record.status === "interrupted" ? "interrupted" : "completed",
        completion,
        completedAt: at,
      };
    }
    case "DelegationDelivered":
      return { ...record, delivered: { seq: event.data.seq, at } };
    default:
      return record;
  }
}

import { type DelegationRecord, delegationIdOf, evolveRecord, type StoredSessionEvent } from "./delegation-record.js";

/** The original runtime's bound: completed records kept for status queries. */
export const DEFAULT_RETAINED_COMPLETED = 50;

/**
 * A session's delegations in memory: every running one, and the most recently completed ones up
 * to the bound; the oldest completions leave first. Only memory forgets: every delegation stays
 * in the session's stream, and delivery reads its facts from there, so forgetting one never
 * loses its delivery.
 */
export class DelegationList {
  // A Map iterates in insertion order, which is dispatch order: the order the original lists in.
  private readonly records = new Map<string, DelegationRecord>();
  private readonly completedOrder: string[] = [];

  constructor(private readonly maxCompleted: number = DEFAULT_RETAINED_COMPLETED) {
    if (!Number.isInteger(maxCompleted) || maxCompleted < 0)
      throw new RangeError(`maxRetainedCompleted must be a non-negative integer, got ${maxCompleted}`);
  }

  apply(event: StoredSessionEvent): void {
    const id = delegationIdOf(event);
    if (id === undefined) return;
    const before = this.records.get(id);
    // A record already pruned stays pruned: its later delivery does not bring it back.
    if (before === undefined && event.type !== "DelegationDispatched") return;
    const after = evolveRecord(before, event);
    if (after === undefined) return;
    this.records.set(id, after);
    if (event.type === "DelegationCompleted") {
      this.completedOrder.push(id);
      while (this.completedOrder.length > this.maxCompleted) {
        const oldest = this.completedOrder.shift();
        if (oldest !== undefined) this.records.delete(oldest);
      }
    }
  }

  get(delegationId: string): DelegationRecord | undefined {
    return this.records.get(delegationId);
  }

  /** Running ones and the retained completed ones, in dispatch order. */
  all(): DelegationRecord[] {
    return [...this.records.values()];
  }

  /** Those whose child has not completed (interrupted ones included): never pruned. */
  unfinished(): DelegationRecord[] {
    return this.all().filter((r) => r.completion === null);
  }
}

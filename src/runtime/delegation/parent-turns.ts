/**
 * The parent agent's turns, as delegation delivery needs them. The agent loop implements it.
 *
 * A background completion enters the parent's conversation as a NEW turn, never inside one: it
 * must not land between a tool call and its result, nor beside a message the parent is already
 * answering, or role alternation breaks and the context the parent is working from changes under
 * it. Checking "is it idle?" and then appending would race a turn starting in between, so the
 * delivery holds the parent idle for the length of its append instead.
 */
export interface ParentTurns {
  /**
   * Resolves once the parent is idle (no model call, tool call or append of its own in flight)
   * and keeps it idle until the hold is released: meanwhile the parent starts no turn and appends
   * nothing. Holds are granted one at a time. Rejects with the signal's reason when `signal`
   * aborts (the delegation service is closing) before the parent is idle.
   */
  whenIdle(signal: AbortSignal): Promise<IdleHold>;
}

export interface IdleHold {
  /**
   * Ends the hold. `delivered` names the part just appended to the parent's conversation, a
   * `user` part flagged `trigger`, on which the parent should now take a turn; null when nothing
   * was appended (another process had delivered it already, or the append failed).
   */
  release(delivered: DeliveredCompletion | null): void;
}

/** Where a completion entered the parent's conversation. */
export interface DeliveredCompletion {
  readonly delegationId: string;
  readonly conversationId: string;
  readonly seq: number;
}

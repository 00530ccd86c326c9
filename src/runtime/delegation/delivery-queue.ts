import type { DeliveredCompletion, IdleHold, ParentTurns } from "./parent-turns.js";

/**
 * Completions waiting for the parent to be idle, delivered one per idle hold in the order they
 * were queued: each is a turn of its own for the parent, as the original's completion queue
 * forged one turn per completion.
 *
 * The queue is only a schedule: what is delivered is decided by the log (see deliverCompletion).
 * A delivery that fails stays queued and the queue stops, rather than retrying in a tight loop;
 * the next enqueue (or the service's recover) starts it again.
 */
export class DeliveryQueue {
  private readonly pending: string[] = [];
  private readonly abort = new AbortController();
  private draining: Promise<void> | null = null;

  constructor(
    private readonly parent: ParentTurns,
    private readonly deliver: (delegationId: string) => Promise<DeliveredCompletion | null>,
    private readonly onError: (error: unknown, delegationId: string) => void,
  ) {}

  /** Ids still to deliver, oldest first. */
  get queued(): readonly string[] {
    return [...this.pending];
  }

  enqueue(delegationId: string): void {
    if (!this.pending.includes(delegationId)) this.pending.push(delegationId);
    this.kick();
  }

  /** Stops waiting for the parent; a delivery already appending finishes first. What is left stays in the log. */
  async close(): Promise<void> {
    this.abort.abort(new Error("the delegation service closed"));
    await this.draining;
  }

  private kick(): void {
    if (this.draining !== null || this.abort.signal.aborted || this.pending.length === 0) return;
    const settle = (stopped: boolean) => {
      this.draining = null;
      // An id queued while the last delivery was finishing found the drain still running.
      if (!stopped) this.kick();
    };
    this.draining = this.drain().then(settle, () => settle(true));
  }

  /** Delivers until nothing is pending; true when it stopped on a failure or on close. */
  private async drain(): Promise<boolean> {
    const { signal } = this.abort;
    while (this.pending.length > 0) {
      if (signal.aborted) return true;
      const delegationId = this.pending[0] as string;
      let hold: IdleHold;
      try {
        hold = await this.parent.whenIdle(signal);
      } catch (error) {
        if (!signal.aborted) this.onError(error, delegationId);
        return true;
      }
      let delivered: DeliveredCompletion | null = null;
      try {
        delivered = await this.deliver(delegationId);
        this.pending.shift();
      } catch (error) {
        this.onError(error, delegationId);
        return true;
      } finally {
        hold.release(delivered);
      }
    }
    return false;
  }
}

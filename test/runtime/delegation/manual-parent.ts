import type { DeliveredCompletion, IdleHold, ParentTurns } from "../../../src/runtime/delegation/parent-turns.js";

interface Waiter {
  readonly grant: (hold: IdleHold) => void;
}

/**
 * A parent agent the test drives by hand, keeping ParentTurns' contract: a hold is granted only
 * while the parent is idle, one at a time, and while one is held the parent cannot begin a turn.
 * Like an agent loop, it takes a turn on every delivered part (it is busy again after a delivery
 * until the test ends that turn).
 */
export class ManualParent implements ParentTurns {
  /** Every release, in order: where the part went, or null when nothing was appended. */
  readonly releases: (DeliveredCompletion | null)[] = [];
  private idleNow: boolean;
  private heldNow = false;
  private readonly waiting: Waiter[] = [];
  private readonly watchers: (() => void)[] = [];

  constructor(idle: boolean) {
    this.idleNow = idle;
  }

  get held(): boolean {
    return this.heldNow;
  }

  get idle(): boolean {
    return this.idleNow;
  }

  /** Deliveries waiting for the parent to be idle. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** The parts delivered, in order. */
  get delivered(): DeliveredCompletion[] {
    return this.releases.filter((d): d is DeliveredCompletion => d !== null);
  }

  /** The parent starts a turn (a user message, say); false while a delivery holds it idle. */
  beginTurn(): boolean {
    if (this.heldNow) return false;
    this.idleNow = false;
    return true;
  }

  /** The parent's turn ends: it is idle, and the first waiting delivery gets its hold. */
  endTurn(): void {
    this.idleNow = true;
    this.grant();
  }

  whenIdle(signal: AbortSignal): Promise<IdleHold> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const waiter: Waiter = { grant: resolve };
      signal.addEventListener(
        "abort",
        () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      this.waiting.push(waiter);
      this.notify();
      this.grant();
    });
  }

  /** Resolves once `count` releases have happened. */
  async untilReleases(count: number): Promise<void> {
    while (this.releases.length < count) await new Promise<void>((resolve) => this.watchers.push(resolve));
  }

  /** Resolves once `count` deliveries wait for the parent to be idle. */
  async untilWaiting(count = 1): Promise<void> {
    while (this.waiting.length < count) await new Promise<void>((resolve) => this.watchers.push(resolve));
  }

  private grant(): void {
    if (!this.idleNow || this.heldNow) return;
    const waiter = this.waiting.shift();
    if (waiter === undefined) return;
    this.heldNow = true;
    let released = false;
    waiter.grant({
      release: (delivered) => {
        if (released) throw new Error("a hold was released twice");
        released = true;
        this.heldNow = false;
        this.releases.push(delivered);
        // The agent loop answers the trigger part it was handed: a turn of its own.
        if (delivered !== null) this.idleNow = false;
        this.notify();
        this.grant();
      },
    });
  }

  private notify(): void {
    for (const wake of this.watchers.splice(0)) wake();
  }
}

/** A parent that is never idle, as a queen busy for as long as its process lives. */
export const neverIdle: ParentTurns = {
  whenIdle: (signal) =>
    new Promise((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    }),
};

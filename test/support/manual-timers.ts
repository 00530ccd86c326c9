import type { Clock } from "../../src/domain/ports/clock.js";
import type { Timers } from "../../src/runtime/colony/timers.js";

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

/**
 * A clock and timers that move only when the test says so. Give it to the store (which stamps
 * `recordedAt`) and to the colony runtime (cooldowns, deadlines), and time-dependent behaviour is
 * tested without sleeping and without racing the wall clock.
 */
export class ManualTimers implements Clock, Timers {
  private current: number;
  private seq = 0;
  private pending: Pending[] = [];
  private watchers: (() => void)[] = [];

  constructor(start = "2025-01-01T00:00:00.000Z") {
    this.current = Date.parse(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  schedule(delayMs: number, run: () => void): { cancel(): void } {
    const entry: Pending = { at: this.current + Math.max(0, delayMs), seq: this.seq++, run };
    this.pending.push(entry);
    for (const wake of this.watchers.splice(0)) wake();
    return {
      cancel: () => {
        this.pending = this.pending.filter((p) => p !== entry);
      },
    };
  }

  /** Timers scheduled and neither fired nor cancelled. */
  get timerCount(): number {
    return this.pending.length;
  }

  /** Resolves once at least `count` timers are pending: the code under test has reached its wait. */
  async untilTimers(count = 1): Promise<void> {
    while (this.pending.length < count) {
      await new Promise<void>((resolve) => this.watchers.push(resolve));
    }
  }

  /** Moves time forward, firing due timers in order, each at its own time. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.pending.filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.current = Math.max(this.current, due.at);
      due.run();
    }
    this.current = target;
  }
}

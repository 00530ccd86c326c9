import type { Clock } from "../../src/domain/ports/clock.js";
import type { ScheduledRun, Timers } from "../../src/domain/ports/timers.js";

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void | Promise<void>;
}

/**
 * A clock and timers that move only when the test says so, so time-dependent behaviour (timer
 * triggers, key expiry, resurrection cooldowns, wait deadlines) is tested without sleeping and
 * without racing the wall clock. Give the same instance to the store (which stamps `recordedAt`)
 * and to the code under test as both its clock and its timers.
 */
export class ManualTime implements Clock, Timers {
  private nowMs: number;
  private seq = 0;
  private queue: Entry[] = [];
  private watchers: (() => void)[] = [];

  constructor(start = "2025-01-01T00:00:00.000Z") {
    this.nowMs = Date.parse(start);
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  schedule(delayMs: number, run: () => void | Promise<void>): ScheduledRun {
    const entry: Entry = { at: this.nowMs + Math.max(0, delayMs), seq: this.seq++, run };
    this.queue.push(entry);
    for (const wake of this.watchers.splice(0)) wake();
    return {
      cancel: () => {
        this.queue = this.queue.filter((e) => e !== entry);
      },
    };
  }

  /** Runs scheduled and neither run nor cancelled. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Resolves once at least `count` runs are pending: the code under test has reached its wait
   * (a cooldown, a deadline) and advancing time now will find it.
   */
  async untilPending(count = 1): Promise<void> {
    while (this.queue.length < count) {
      await new Promise<void>((resolve) => this.watchers.push(resolve));
    }
  }

  /** Runs what is due now or earlier (e.g. a run-immediately timer) without moving time. */
  async runDue(): Promise<void> {
    await this.advance(0);
  }

  /**
   * Moves time forward, running every run that falls due on the way in time order (ties in the
   * order scheduled), each at its own time and awaited to the end (a timer tick's firing
   * included); runs those schedule in turn run too when they fall due within the window: a timer
   * ticking every minute runs three times in `advance(180_000)`.
   */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    for (;;) {
      const next = this.nextDue(target);
      if (next === undefined) break;
      this.queue = this.queue.filter((e) => e !== next);
      this.nowMs = Math.max(this.nowMs, next.at);
      await next.run();
    }
    this.nowMs = target;
  }

  private nextDue(target: number): Entry | undefined {
    let next: Entry | undefined;
    for (const entry of this.queue) {
      if (entry.at > target) continue;
      if (next === undefined || entry.at < next.at || (entry.at === next.at && entry.seq < next.seq)) next = entry;
    }
    return next;
  }
}

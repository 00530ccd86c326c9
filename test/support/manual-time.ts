import type { Clock } from "../../src/domain/ports/clock.js";
import type { ScheduledRun, Scheduler } from "../../src/runtime/triggers/scheduler.js";

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void | Promise<void>;
  cancelled: boolean;
}

/**
 * A clock and a scheduler that move only when told, so timer tests step through time without
 * sleeping and without racing real timers. Give the same instance to the store (recordedAt), the
 * service (key expiry) and its timers.
 */
export class ManualTime implements Clock, Scheduler {
  private nowMs: number;
  private seq = 0;
  private readonly queue: Entry[] = [];

  constructor(start = "2025-01-01T00:00:00.000Z") {
    this.nowMs = Date.parse(start);
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  schedule(delayMs: number, run: () => void | Promise<void>): ScheduledRun {
    const entry: Entry = { at: this.nowMs + Math.max(delayMs, 0), seq: this.seq++, run, cancelled: false };
    this.queue.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Runs due work scheduled now or earlier (e.g. a run-immediately timer) without moving time. */
  async runDue(): Promise<void> {
    await this.advance(0);
  }

  /**
   * Moves time forward, running every run that falls due on the way in time order (ties in the
   * order scheduled), each awaited to the end, and runs those schedule in turn when they fall due
   * within the window: a timer ticking every minute runs three times in `advance(180_000)`.
   */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    for (;;) {
      const next = this.nextDue(target);
      if (next === undefined) break;
      this.queue.splice(this.queue.indexOf(next), 1);
      this.nowMs = next.at;
      await next.run();
    }
    this.nowMs = target;
  }

  /** Runs not yet run nor cancelled. */
  get pending(): number {
    return this.queue.filter((e) => !e.cancelled).length;
  }

  private nextDue(target: number): Entry | undefined {
    let next: Entry | undefined;
    for (const entry of this.queue) {
      if (entry.cancelled || entry.at > target) continue;
      if (next === undefined || entry.at < next.at || (entry.at === next.at && entry.seq < next.seq)) next = entry;
    }
    return next;
  }
}

import type { ScheduledRun, Timers } from "../../domain/ports/timers.js";

/**
 * One timer trigger's clock: ticks every `intervalMs`, the first tick at once when
 * `runImmediately`, else after one interval. The next tick is scheduled when the current one has
 * finished, so a slow firing never overlaps the next (the interval runs from the end of a tick,
 * as in the original runtime). What a tick does (fire, or skip while paused or busy) is `tick`'s
 * business; it must not reject.
 */
export class TimerLoop {
  private pending: ScheduledRun | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly timers: Timers,
    readonly intervalMs: number,
    private readonly tick: () => Promise<void>,
  ) {}

  start(runImmediately: boolean): void {
    this.schedule(runImmediately ? 0 : this.intervalMs);
  }

  /** Cancels the next tick and waits for a tick in progress, which then schedules nothing. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pending?.cancel();
    this.pending = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.pending = this.timers.schedule(delayMs, () => this.run());
  }

  private async run(): Promise<void> {
    this.pending = null;
    this.running = this.tick();
    try {
      await this.running;
    } finally {
      this.running = null;
      this.schedule(this.intervalMs);
    }
  }
}

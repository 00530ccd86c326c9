import type { ReclaimOptions, ReclaimResult } from "./reclaim-stale.js";

/** Calls `tick` every `ms` until the returned function is called. Injected so tests tick by hand. */
export type Every = (ms: number, tick: () => void) => () => void;

/** setInterval, unref'd: a reclaimer alone never keeps the process alive. */
export const everyInterval: Every = (ms, tick) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

export interface StaleClaimReclaimerOptions extends ReclaimOptions {
  /** Time between passes. */
  readonly intervalMs: number;
  /** Run a pass at once on start, as the original did on host startup. Default true. */
  readonly runImmediately?: boolean;
  /** What happened in a pass that reclaimed something. */
  readonly onReclaimed?: (result: ReclaimResult) => void;
  /** A pass that threw; the next tick tries again. Default: ignored. */
  readonly onError?: (error: unknown) => void;
  readonly every?: Every;
}

/** The part of the ledger the reclaimer needs (TaskLedger has it). */
export interface Reclaiming {
  reclaimStale(options: ReclaimOptions): Promise<ReclaimResult>;
}

/**
 * The periodic stale-claim reclaimer: every `intervalMs`, claims held `staleAfterMs` or longer
 * go back to pending with retry_count + 1, or fail past max_retries; fresh claims are left
 * alone. Staleness is judged by the ledger's clock against the claim's recorded time, so tests
 * move a fake clock and call the tick instead of sleeping. A tick that finds the previous pass
 * still running is skipped: two passes would only race each other for the same tasks.
 */
export class StaleClaimReclaimer {
  private cancel: (() => void) | undefined;
  private running: Promise<ReclaimResult> | undefined;

  constructor(
    private readonly ledger: Reclaiming,
    private readonly options: StaleClaimReclaimerOptions,
  ) {
    if (!(options.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${options.intervalMs}`);
  }

  get started(): boolean {
    return this.cancel !== undefined;
  }

  /** Starts the passes; starting twice is starting once. */
  start(): this {
    if (this.cancel) return this;
    const every = this.options.every ?? everyInterval;
    this.cancel = every(this.options.intervalMs, () => void this.tick());
    if (this.options.runImmediately ?? true) void this.tick();
    return this;
  }

  /** Stops the passes and waits for one under way to finish. */
  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
    await this.running?.catch(() => {});
  }

  /** One pass now, sharing a pass already under way rather than starting a second. */
  sweep(): Promise<ReclaimResult> {
    if (!this.running) {
      const { staleAfterMs, colonyId } = this.options;
      this.running = this.ledger.reclaimStale(colonyId === undefined ? { staleAfterMs } : { staleAfterMs, colonyId });
      const clear = () => {
        this.running = undefined;
      };
      this.running.then(clear, clear);
    }
    return this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    try {
      const result = await this.sweep();
      if (result.released.length > 0 || result.failed.length > 0) this.options.onReclaimed?.(result);
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

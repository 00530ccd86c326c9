import { InvalidArgumentError } from "../../domain/errors.js";
import { Id } from "../../domain/events/fields.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import type { Timers } from "../../domain/ports/timers.js";
import { sleep } from "../colony/sleep.js";
import type { ReclaimResult } from "../ledger/reclaim-stale.js";
import { type Every, StaleClaimReclaimer } from "../ledger/stale-claim-reclaimer.js";
import type { TaskLedger } from "../ledger/task-ledger.js";
import { type RunLedger, runClaimedTask, type TaskOutcome } from "./run-claimed-task.js";
import type { TaskHandler } from "./task-handler.js";

/** As the original's reclaimer: a claim is stale after 15 minutes. */
export const DEFAULT_STALE_AFTER_MS = 15 * 60_000;
export const DEFAULT_RECLAIM_INTERVAL_MS = 60_000;
export const DEFAULT_POLL_INTERVAL_MS = 500;

/** The ledger a pool works through (TaskLedger has all of it). */
export type PoolLedger = RunLedger & Pick<TaskLedger, "claimNext" | "unfinished" | "reclaimStale">;

export interface WorkerPoolOptions {
  readonly ledger: PoolLedger;
  /** Where each claimed task's seed is read (its payload as JSON, step details). */
  readonly events: Pick<EventStore, "readStream">;
  readonly colonyId: string;
  readonly handler: TaskHandler;
  readonly timers: Timers;
  /** Slots, each running one task at a time. */
  readonly concurrency: number;
  /** Slot n (from 1) is worker `${workerIdPrefix}_${n}`; keep it unique per pool (e.g. `pool<pid>`). */
  readonly workerIdPrefix: string;
  /** Return once the colony has no unfinished task left, instead of waiting for more work. */
  readonly untilEmpty?: boolean;
  /** How long an idle slot waits before it looks for work again. */
  readonly pollIntervalMs?: number;
  /**
   * A claim this old is given back by the pool's reclaimer (to the queue, or failed past its
   * max retries). Nothing renews a claim while its handler runs, so this must be longer than
   * the longest task, or the pool reclaims its own work (the handler then sees its signal abort).
   */
  readonly staleAfterMs?: number;
  readonly reclaimIntervalMs?: number;
  /** The reclaimer's timer; tests tick it by hand. */
  readonly every?: Every;
  readonly onOutcome?: (outcome: TaskOutcome) => void;
  readonly onReclaimed?: (result: ReclaimResult) => void;
  readonly onReclaimError?: (error: unknown) => void;
  /** Idle with untilEmpty: how many tasks are claimed by workers outside this pool; said when it changes. */
  readonly onWaiting?: (claimedElsewhere: number) => void;
}

export interface PoolSummary {
  readonly done: number;
  readonly failed: number;
  readonly released: number;
  readonly lost: number;
  /** Stale claims this pool's reclaimer gave back to the queue. */
  readonly reclaimed: number;
  /** Stale claims it failed, their task past max retries. */
  readonly reclaimFailed: number;
  /** "empty": with untilEmpty, nothing was left to do; "stopped": stop() was called. */
  readonly ended: "empty" | "stopped";
}

function wholeMs(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(name, `expected a whole number of milliseconds >= 1, got ${value}`);
  }
  return value;
}

/**
 * A pool of N slots working one colony's queue (DESIGN §6, task ledger tools; issue 4: worker
 * processes). Each slot claims the next task, hands it to the handler with tools bound to the
 * claim, and writes the outcome; a StaleClaimReclaimer gives back the claims of workers that
 * died, so a pool killed mid-run loses nothing that another (or the same, restarted) cannot
 * finish. Exactly-once completion is the log's: every command carries the claim's token.
 *
 * With untilEmpty a slot ends when it finds nothing to claim and the colony has no task
 * pending, claimed or in progress. A task claimed by any worker still counts: it may yet come
 * back to the queue (a stopping pool releases it, the reclaimer returns it once stale), and a
 * slot that left early would leave it to nobody. So after a crash, `--until-empty` waits up to
 * `staleAfterMs` for the dead pool's claims; a live pool's claims it waits out as they finish.
 *
 * stop(): no slot claims again; each running handler sees its signal abort, may finish the step
 * under way (starting another is refused), and its task is released with its completed steps
 * recorded, unless it reported success, which is completed as usual.
 */
export class WorkerPool {
  readonly workerIds: readonly string[];
  private readonly stopController = new AbortController();
  private readonly pollIntervalMs: number;
  private readonly staleAfterMs: number;
  private readonly reclaimIntervalMs: number;
  private readonly counts = { done: 0, failed: 0, released: 0, lost: 0, reclaimed: 0, reclaimFailed: 0 };
  private running: Promise<PoolSummary> | undefined;
  /** Slots running a task now. */
  private busy = 0;
  private claimedElsewhere = 0;
  private failure: { error: unknown } | undefined;

  constructor(private readonly options: WorkerPoolOptions) {
    const { concurrency, workerIdPrefix } = options;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new InvalidArgumentError("concurrency", `expected a whole number >= 1, got ${concurrency}`);
    }
    this.pollIntervalMs = wholeMs("pollIntervalMs", options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    this.staleAfterMs = wholeMs("staleAfterMs", options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);
    this.reclaimIntervalMs = wholeMs("reclaimIntervalMs", options.reclaimIntervalMs ?? DEFAULT_RECLAIM_INTERVAL_MS);
    this.workerIds = Array.from({ length: concurrency }, (_, i) => `${workerIdPrefix}_${i + 1}`);
    const last = Id.safeParse(this.workerIds.at(-1));
    if (!last.success) {
      throw new InvalidArgumentError("workerIdPrefix", last.error.issues[0]?.message ?? "not a valid worker id");
    }
  }

  get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  /** Runs the slots; resolves when they have all ended. Calling it again returns the same run. */
  run(): Promise<PoolSummary> {
    this.running ??= this.runSlots();
    return this.running;
  }

  /** Stops claiming and winds the running tasks down (see the class). Resolve with run(). */
  stop(): void {
    this.stopController.abort();
  }

  private async runSlots(): Promise<PoolSummary> {
    const { ledger, colonyId } = this.options;
    const reclaimer = new StaleClaimReclaimer(ledger, {
      colonyId,
      staleAfterMs: this.staleAfterMs,
      intervalMs: this.reclaimIntervalMs,
      every: this.options.every,
      onReclaimed: (result) => {
        this.counts.reclaimed += result.released.length;
        this.counts.reclaimFailed += result.failed.length;
        this.options.onReclaimed?.(result);
      },
      onError: this.options.onReclaimError,
    }).start();
    try {
      await Promise.all(this.workerIds.map((workerId) => this.slot(workerId)));
    } finally {
      await reclaimer.stop();
    }
    if (this.failure) throw this.failure.error;
    return { ...this.counts, ended: this.stopping ? "stopped" : "empty" };
  }

  private async slot(workerId: string): Promise<void> {
    const { ledger, colonyId, timers } = this.options;
    const signal = this.stopController.signal;
    const deps = { ledger, events: this.options.events, handler: this.options.handler, stopping: signal };
    try {
      while (!signal.aborted) {
        const claimed = await ledger.claimNext(colonyId, workerId);
        if (claimed === null) {
          if (this.options.untilEmpty && (await this.drained())) return;
          await sleep(timers, this.pollIntervalMs, signal);
          continue;
        }
        this.busy++;
        try {
          const outcome = await runClaimedTask(deps, claimed);
          this.counts[outcome.kind]++;
          this.options.onOutcome?.(outcome);
        } finally {
          this.busy--;
        }
      }
    } catch (error) {
      // The log failed under this slot (a claim taken after a stop is released above, not here).
      // The others stop too, releasing what they hold; run() then rejects with this error.
      this.failure ??= { error };
      this.stop();
    }
  }

  /** True when nothing of the colony is left to do, or will come back to be done. */
  private async drained(): Promise<boolean> {
    const { pending, claimed, in_progress } = await this.options.ledger.unfinished(this.options.colonyId);
    if (pending + claimed + in_progress === 0) return true;
    const elsewhere = Math.max(0, claimed + in_progress - this.busy);
    if (elsewhere !== this.claimedElsewhere) {
      this.claimedElsewhere = elsewhere;
      if (elsewhere > 0) this.options.onWaiting?.(elsewhere);
    }
    return false;
  }
}

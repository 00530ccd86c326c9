import type { Claim, TaskLedger } from "../ledger/task-ledger.js";
import { HandlerFinishedError, isLostClaim, WorkerStoppingError } from "./errors.js";
import type { TaskTools } from "./task-handler.js";

/** The ledger commands a claim's tools send. */
export type ClaimLedger = Pick<TaskLedger, "startStep" | "completeStep" | "checkSopItem">;

/**
 * The TaskTools of one claim. Besides binding the claim, it watches for two ends: the pool
 * stopping (no new step may start, the one under way may finish) and the claim being lost (a
 * refusal saying the task is no longer this claim's; the handler's signal aborts so it stops
 * working for nothing). Nothing tells a claim it went stale until it sends a command: a
 * reclaimed handler learns it at its next call, not when the reclaimer acts. Calls still in flight when the handler returns are awaited before the
 * task's outcome is written, so a tick the handler forgot to await cannot race the completion.
 */
export class ClaimTools implements TaskTools {
  readonly signal: AbortSignal;
  private readonly lostController = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private finished = false;
  private lostBecause: string | undefined;

  constructor(
    private readonly ledger: ClaimLedger,
    private readonly claim: Claim,
    private readonly stopping: AbortSignal,
  ) {
    this.signal = AbortSignal.any([stopping, this.lostController.signal]);
  }

  /** Why the claim was lost, or undefined while it holds. */
  get lost(): string | undefined {
    return this.lostBecause;
  }

  private markLost(reason: string): void {
    this.lostBecause ??= reason;
    this.lostController.abort();
  }

  async startStep(seq: number): Promise<void> {
    if (this.stopping.aborted) throw new WorkerStoppingError(this.claim.taskId, seq);
    await this.send("startStep", () => this.ledger.startStep(this.claim, seq));
  }

  async completeStep(seq: number, evidence: string): Promise<void> {
    await this.send("completeStep", () => this.ledger.completeStep(this.claim, seq, evidence));
  }

  async checkSop(key: string, note: string | null = null): Promise<void> {
    await this.send("checkSop", () => this.ledger.checkSopItem(this.claim, key, note));
  }

  /** No call is taken after this; resolves once those in flight have settled. */
  async finish(): Promise<void> {
    this.finished = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async send(call: string, command: () => Promise<unknown>): Promise<void> {
    if (this.finished) throw new HandlerFinishedError(this.claim.taskId, call);
    const sent = command();
    this.inFlight.add(sent);
    try {
      await sent;
    } catch (error) {
      if (isLostClaim(error)) this.markLost(error.message);
      throw error;
    } finally {
      this.inFlight.delete(sent);
    }
  }
}

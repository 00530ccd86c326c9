import { Serial } from "../colony/serial.js";
import type { DeliveredCompletion, IdleHold, ParentTurns } from "../delegation/parent-turns.js";

/**
 * An agent's turns as one queue: a turn, or a hold that keeps the agent idle (a background
 * completion being delivered, see ParentTurns), takes its place and runs alone, so a delivery
 * never lands inside a turn and a turn never starts under a delivery.
 */
export class TurnGate implements ParentTurns {
  private readonly queue = new Serial();
  private readonly delivered: DeliveredCompletion[] = [];

  /** Runs one turn of the agent when nothing else holds it. */
  turn<T>(run: () => Promise<T>): Promise<T> {
    return this.queue.run(run);
  }

  whenIdle(signal: AbortSignal): Promise<IdleHold> {
    return new Promise<IdleHold>((granted, refused) => {
      const onAbort = () => refused(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      void this.queue.run(
        () =>
          new Promise<void>((released) => {
            signal.removeEventListener("abort", onAbort);
            if (signal.aborted) return released();
            granted({
              release: (completion) => {
                if (completion) this.delivered.push(completion);
                released();
              },
            });
          }),
      );
    });
  }

  /** Completions delivered since the last call: each asks the agent for a turn on it. */
  takeDelivered(): DeliveredCompletion[] {
    return this.delivered.splice(0);
  }
}

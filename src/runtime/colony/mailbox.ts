/**
 * Messages injected into one worker, held until its brain pulls them at a turn boundary. The
 * brain is never interrupted: it takes what arrived when it is between steps, so an injected
 * message can never land between a tool call and its result.
 *
 * The box lives as long as the worker does in this process, across resurrections, so a message
 * the crashed attempt never pulled reaches the next one.
 */
export class Mailbox {
  private messages: string[] = [];
  private waiters: (() => void)[] = [];

  push(message: string): void {
    this.messages.push(message);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Everything waiting, oldest first; the box is empty after. */
  drain(): string[] {
    return this.messages.splice(0);
  }

  /**
   * Waits for at least one message, then drains. An abort (the worker is stopped) resolves with
   * what is there, possibly nothing, so an idle persistent worker can end its loop.
   */
  async next(signal: AbortSignal): Promise<string[]> {
    while (this.messages.length === 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener("abort", wake);
          resolve();
        };
        this.waiters.push(wake);
        signal.addEventListener("abort", wake, { once: true });
      });
    }
    return this.drain();
  }
}

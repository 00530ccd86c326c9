/**
 * Runs tasks one at a time, in call order. The service writes every command of its colony's
 * stream through one of these: optimistic concurrency alone makes a burst of N concurrent
 * firings in one process cost O(N²) reads and exhausts the command handler's bounded retries
 * (50 concurrent firings lost 45 that way). Writers in other processes still meet as version
 * conflicts, which the handler retries.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // The next task waits for this one to settle, whether it succeeded or not.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

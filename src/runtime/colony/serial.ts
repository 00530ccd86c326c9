/**
 * Runs tasks one after another in call order. The colony runtime gives each worker one, so its
 * lifecycle commands (the brain's report, a stop, a promotion) never race each other on its
 * stream: whichever comes second sees the state the first left and decides from there. The
 * trigger service writes its colony's stream through one as well.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // A failed task must not poison the ones queued after it; its caller gets the rejection.
    this.tail = result.catch(() => undefined);
    return result;
  }
}

import { merge, type Observable, Subject, share, takeUntil } from "rxjs";

/**
 * When a store's subscriptions should read the log again: at once after the store's own appends
 * (once per tick, however many appends the tick made), and whenever `foreign` says another
 * writer may have committed. `changes` completes when the store closes, which completes every
 * subscription.
 */
export class Wakeups {
  readonly changes: Observable<unknown>;
  private readonly appended = new Subject<void>();
  private readonly closing = new Subject<void>();
  private scheduled = false;

  constructor(foreign: Observable<unknown>) {
    this.changes = merge(this.appended, foreign).pipe(takeUntil(this.closing), share());
  }

  /** The store committed an append. */
  announce(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.appended.next();
    });
  }

  close(): void {
    this.closing.next();
    this.closing.complete();
  }
}

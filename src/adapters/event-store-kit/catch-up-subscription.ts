import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { Observable } from "rxjs";
import type { RecordedEvent } from "../../domain/envelope.js";
import type { EventPredicate } from "./event-filter.js";

export interface PageSource<Row> {
  /** Rows with position >= `from`, in position order, at most `limit`. */
  readPage(from: bigint, limit: number): Row[] | Promise<Row[]>;
  positionOf(row: Row): bigint;
  streamIdOf(row: Row): string;
  typeOf(row: Row): string;
  decode(row: Row): RecordedEvent;
}

export interface CatchUpOptions<Row> {
  readonly source: PageSource<Row>;
  /**
   * Emits whenever the log may have grown; completing it completes the subscription, and its
   * error (a live feed the store could not keep up) fails it.
   */
  readonly wake: Observable<unknown>;
  readonly from: bigint;
  readonly matches: EventPredicate;
  readonly pageSize: number;
}

/**
 * Catch-up then live, as one loop: read pages after a cursor until the log is exhausted, then
 * wait for a wake-up and read again. Catch-up and live are the same query, so there is no switch
 * at which an event could be missed or repeated; a wake-up that arrives mid-read schedules one
 * more pass. Only one page per subscriber is ever held, and the next page is read only after the
 * subscriber has taken the previous one, yielding to the event loop between pages.
 *
 * This relies on positions becoming visible in order, which holds for stores that serialise
 * writers (SQLite); stores that do not must feed only commit-ordered rows to `readPage`.
 */
export function catchUpSubscription<Row>(options: CatchUpOptions<Row>): Observable<RecordedEvent> {
  const { source, wake, matches, pageSize } = options;
  return new Observable<RecordedEvent>((subscriber) => {
    let cursor = options.from;
    let running = false;
    let again = false;

    const pump = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          for (;;) {
            if (subscriber.closed) return;
            const rows = await source.readPage(cursor, pageSize);
            for (const row of rows) {
              if (subscriber.closed) return;
              cursor = source.positionOf(row) + 1n;
              if (matches(source.streamIdOf(row), source.typeOf(row))) subscriber.next(source.decode(row));
            }
            if (rows.length < pageSize) break;
            await yieldToEventLoop();
          }
        } while (again);
      } catch (error) {
        subscriber.error(error);
      } finally {
        running = false;
      }
    };

    const wakeSubscription = wake.subscribe({
      next: () => void pump(),
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    void pump();
    return () => wakeSubscription.unsubscribe();
  });
}

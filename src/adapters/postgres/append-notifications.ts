import type pg from "pg";
import { Observable } from "rxjs";
import { APPEND_CHANNEL } from "./log-writes.js";

/**
 * Emits whenever an append on this database commits (its NOTIFY), on a connection of the pool
 * kept for LISTEN while anyone subscribes; once more right after LISTEN takes effect, for commits
 * made while it connected. Errors when that connection fails: the subscriber retries.
 */
export function appendNotifications(pool: pg.Pool): Observable<void> {
  return new Observable<void>((subscriber) => {
    let client: pg.PoolClient | undefined;
    let done = false;
    const notified = () => subscriber.next();
    const failed = (error: Error) => subscriber.error(error);
    pool
      .connect()
      .then(async (connected) => {
        if (done) {
          connected.release();
          return;
        }
        client = connected;
        connected.on("notification", notified);
        connected.on("error", failed);
        await connected.query(`LISTEN ${APPEND_CHANNEL}`);
        subscriber.next();
      })
      .catch(failed);
    return () => {
      done = true;
      if (!client) return;
      client.off("notification", notified);
      client.off("error", failed);
      // Destroyed, not returned: a pooled connection must not stay subscribed to the channel.
      client.release(true);
    };
  });
}

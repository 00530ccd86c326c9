import pg from "pg";

export interface LogPoolOptions {
  /** Connections at most (one is kept for LISTEN while anyone is subscribed). Default 10. */
  readonly maxConnections?: number;
}

/** A pool on the log's database. */
export function openLogPool(url: string, options: LogPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // An idle client losing its connection (a server restart) is dropped by the pool; the next
  // query opens another. Without a listener the 'error' event would end the process.
  pool.on("error", () => {});
  return pool;
}

/**
 * Runs `work` (which begins and commits its own transaction) on a client of the pool. On failure
 * the transaction is rolled back, and a client whose connection broke is discarded, not reused.
 */
export async function onClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await work(client);
  } catch (error) {
    await client.query("ROLLBACK").catch((failure: Error) => {
      broken = failure;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

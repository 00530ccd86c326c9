import pg from "pg";
import { beginAppend, commitAppend, type WriterLock, writeAppends } from "../../../src/adapters/postgres/log-writes.js";
import { systemClock } from "../../../src/adapters/system/system-clock.js";
import { UuidV7Generator } from "../../../src/adapters/system/uuid-v7.js";
import type { RecordedEvent } from "../../../src/domain/envelope.js";
import { catalogue } from "../../../src/domain/events/catalogue.js";
import type { StreamAppend } from "../../../src/domain/ports/event-store.js";
import { prepareAppend } from "../../../src/domain/prepare-append.js";

/**
 * An append transaction held open: the store's own steps (begin, write, commit) on a client of
 * the test's, so a test decides when it commits, and what others see meanwhile.
 */
export interface HeldAppend {
  /** The events as they will be stored once committed. */
  readonly events: readonly RecordedEvent[];
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export async function holdAppend(
  url: string,
  appends: readonly StreamAppend[],
  lock: WriterLock = "shared",
): Promise<HeldAppend> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const prepared = prepareAppend({ catalogue, clock: systemClock, ids: new UuidV7Generator() }, appends);
  const { first } = await beginAppend(client, lock);
  const { results } = await writeAppends(client, first, prepared, catalogue);
  const end = async (sql: () => Promise<unknown>) => {
    try {
      await sql();
    } finally {
      await client.end();
    }
  };
  return {
    events: results.flatMap((r) => r.events),
    commit: () => end(() => commitAppend(client)),
    rollback: () => end(() => client.query("ROLLBACK")),
  };
}

/** Polls `check` until it holds; fails with `what()` after `ms` rather than hanging the test. */
export async function until(check: () => boolean | Promise<boolean>, what: () => string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Whether some session on the database is waiting for a lock (an append blocked by a held one). */
export async function someoneWaits(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    return (rows[0] as { n: number }).n > 0;
  } finally {
    await client.end();
  }
}

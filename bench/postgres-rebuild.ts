import { join } from "node:path";
import { sql } from "kysely";
import type { ColonyDatabase } from "../src/adapters/colony-database.js";
import { openPostgresColonyDatabase } from "../src/adapters/postgres/open-postgres-colony-database.js";
import { PostgresEventStore } from "../src/adapters/postgres/postgres-event-store.js";
import { openColonyDatabase } from "../src/adapters/sqlite/open-colony-database.js";
import { SqliteEventStore } from "../src/adapters/sqlite/sqlite-event-store.js";
import type { EventStore } from "../src/domain/ports/event-store.js";
import { allProjections } from "../src/projections/read-models.js";
import { colonyEpisode, type LoggedEvent } from "./colony-workload.js";
import { inTurn, seconds, Throughput } from "./measure.js";
import { notice } from "./notice.js";
import { type PostgresServer, withFreshDatabase } from "./postgres-server.js";
import { type BenchRow, benchRow } from "./row.js";
import { seedLog } from "./seed-log.js";

const EVENTS = Number(process.env.BENCH_POSTGRES_REBUILD_EVENTS ?? 100_000);
const ROUNDS = 1;
const POSTGRES_WRITERS = 8;
const count = new Intl.NumberFormat("en-US");

/**
 * The same colony-life log written to PostgreSQL and to a SQLite file (not timed), then every
 * registered projection rebuilt on each (reset, then ProjectionRunner.catchUp from position 0
 * into the store's own projection store), in turns. Both take the runner's own path, in the
 * bench's thread: SQLite's off-thread fold (what `colony projections rebuild` uses there, see
 * the projections suite) has no PostgreSQL counterpart, so it is left out of this comparison.
 * Afterwards every read-model table must hold as many rows on one as on the other.
 */
export async function rebuildRows(server: PostgresServer, dir: string): Promise<BenchRow[]> {
  return withFreshDatabase(server, async (url) => {
    const file = join(dir, "rebuild.db");
    const log = episodes(EVENTS);
    const written = {
      sqlite: await seed(SqliteEventStore.open(file), "SQLite", log, 1),
      postgres: await seed(await PostgresEventStore.open(url), "PostgreSQL", log, POSTGRES_WRITERS),
    };
    if (written.sqlite !== written.postgres) throw new Error(`rebuild: the logs differ: ${JSON.stringify(written)}`);
    const options = { projections: allProjections, inline: [], warn: () => {} };
    const sqlite = await openColonyDatabase(file, options);
    const postgres = await openPostgresColonyDatabase(url, options);
    try {
      const rates = { sqlite: new Throughput(), postgres: new Throughput() };
      for (let round = 0; round < ROUNDS; round++) {
        await inTurn(
          round,
          () => rates.sqlite.time(written.sqlite, () => rebuild(sqlite, written.sqlite)),
          () => rates.postgres.time(written.postgres, () => rebuild(postgres, written.postgres)),
        );
      }
      const scans = {
        sqlite: await scanRate(sqlite, written.sqlite),
        postgres: await scanRate(postgres, written.postgres),
      };
      notice(
        `rebuild: readAll alone (decoding, no folding) reads ${count.format(scans.postgres)} events/s on PostgreSQL, ` +
          `${count.format(scans.sqlite)} on SQLite`,
      );
      const rows = { sqlite: await tableRows(sqlite), postgres: await tableRows(postgres) };
      if (JSON.stringify(rows.sqlite) !== JSON.stringify(rows.postgres)) {
        throw new Error(`rebuild: read-model rows differ: ${JSON.stringify(rows)}`);
      }
      notice(
        `rebuild: ${ROUNDS} round${ROUNDS === 1 ? "" : "s"} each; read-model rows, equal on both: ${Object.entries(
          rows.postgres,
        )
          .map(([table, n]) => `${table} ${count.format(n)}`)
          .join(", ")}`,
      );
      return [
        benchRow(
          `rebuild all projections, reset + runner.catchUp in-thread on both, no off-thread fold (${count.format(written.postgres)} events): PostgreSQL vs SQLite`,
          rates.postgres.perSecond,
          "events/s",
          rates.sqlite.perSecond,
        ),
      ];
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });
}

/** The first `total` events of colony episodes 0, 1, 2, ... (colonyWorkload's), episode by episode. */
function episodes(total: number): LoggedEvent[][] {
  const all: LoggedEvent[][] = [];
  for (let n = 0, left = total; left > 0; n++) {
    const episode = colonyEpisode(n).slice(0, left);
    all.push(episode);
    left -= episode.length;
  }
  return all;
}

/**
 * Writes the episodes through the store's appendMany, `lanes` writers at once, lane k taking
 * episodes k, k + lanes, ...: episodes share no stream, so each stream's events keep their
 * order and every read model comes out the same as from the one-writer log (checked after).
 * PostgreSQL takes two round trips per stream in an appendMany, and a colony's log changes
 * stream at almost every event: one writer there would take a minute for 100,000 events.
 */
async function seed(store: EventStore, name: string, all: readonly LoggedEvent[][], lanes: number): Promise<number> {
  try {
    let written = 0;
    const took = await seconds(async () => {
      const counts = await Promise.all(
        Array.from({ length: lanes }, (_, k) => seedLog(store, all.filter((_, i) => i % lanes === k).flat())),
      );
      written = counts.reduce((sum, n) => sum + n, 0);
    });
    notice(
      `rebuild: wrote ${count.format(written)} events to ${name} in ${took.toFixed(1)} s ` +
        `(${lanes} writer${lanes === 1 ? "" : "s"}; not timed)`,
    );
    return written;
  } finally {
    await store.close();
  }
}

async function rebuild(db: ColonyDatabase, events: number): Promise<void> {
  await db.projections.reset(allProjections.map((p) => p.name));
  let folded = 0;
  await db.runner.catchUp({ onProgress: (progress) => (folded = progress.events) });
  if (folded !== events) throw new Error(`rebuild folded ${folded} events of ${events}`);
}

async function scanRate(db: ColonyDatabase, events: number): Promise<number> {
  let seen = 0;
  const took = await seconds(async () => {
    for await (const _ of db.events.readAll()) seen++;
  });
  if (seen !== events) throw new Error(`readAll saw ${seen} events of ${events}`);
  return Math.round(events / took);
}

async function tableRows(db: ColonyDatabase): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const table of allProjections.flatMap((p) => p.tables)) {
    const result = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db.readModels);
    rows[table] = Number(result.rows[0]?.n);
  }
  return rows;
}

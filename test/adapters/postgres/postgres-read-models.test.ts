import type { Kysely } from "kysely";
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { colonies, colony } from "../../../src/adapters/http/reads/colony-reads.js";
import { conversationAt } from "../../../src/adapters/http/reads/conversation-at.js";
import { conversationList } from "../../../src/adapters/http/reads/conversation-list.js";
import { colonyTasks as httpColonyTasks } from "../../../src/adapters/http/reads/ledger-reads.js";
import { colonyWorkers } from "../../../src/adapters/http/reads/worker-reads.js";
import {
  openPostgresColonyDatabase,
  type PostgresColonyDatabase,
} from "../../../src/adapters/postgres/open-postgres-colony-database.js";
import { openColonyDatabase, type SqliteColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import type { Clock } from "../../../src/domain/ports/clock.js";
import { conversationHistory, liveContext } from "../../../src/projections/conversations/live-context.js";
import { allProjections, type ReadModels } from "../../../src/projections/read-models.js";
import { ledgerTables } from "../../../src/runtime/ledger/ledger-database.js";
import {
  colonyIdByName,
  colonyTasks,
  nextSeq,
  pendingCandidates,
  staleClaimIds,
  unfinishedCounts,
} from "../../../src/runtime/ledger/ledger-reads.js";
import { ColonyStory, seededDraw } from "../../projections/runner/colony-story.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";
import { sample } from "../../support/sample-events.js";

/** A clock the test moves: both logs stamp the same times on the same appends. */
class SteppedClock implements Clock {
  private ms = Date.parse("2026-03-01T08:00:00.000Z");
  now(): Date {
    return new Date(this.ms);
  }
  step(): void {
    this.ms += 1_234;
  }
}

const quiet = { warn: () => {} };
const closing: { close(): Promise<void> }[] = [];
const dropping: PostgresDatabase[] = [];
afterEach(async () => {
  for (const db of closing.splice(0)) await db.close();
  for (const database of dropping.splice(0)) await database.drop();
});

async function postgresDatabase(): Promise<PostgresDatabase> {
  const database = await freshPostgresDatabase();
  dropping.push(database);
  return database;
}

/** The same story appended to a SQLite colony database and a PostgreSQL one, and folded into both. */
async function bothLogs(
  appends: number,
  seed: number,
): Promise<{ sqlite: SqliteColonyDatabase; postgres: PostgresColonyDatabase }> {
  const sqliteClock = new SteppedClock();
  const postgresClock = new SteppedClock();
  const sqlite = await openColonyDatabase(":memory:", { ...quiet, clock: sqliteClock, inline: ["progress_ledger"] });
  closing.push(sqlite);
  const postgres = await openPostgresColonyDatabase((await postgresDatabase()).url, {
    ...quiet,
    clock: postgresClock,
    inline: ["progress_ledger"],
    pollIntervalMs: 20,
  });
  closing.push(postgres);
  for (const append of new ColonyStory(seededDraw(seed)).appends(appends)) {
    await sqlite.events.appendMany([append]);
    await postgres.events.appendMany([append]);
    sqliteClock.step();
    postgresClock.step();
  }
  await sqlite.runner.catchUp();
  await postgres.runner.catchUp();
  return { sqlite, postgres };
}

/** A table's rows in a fixed order, without the log positions (each log numbers its own). */
async function rowsOf(db: Kysely<ReadModels>, table: string): Promise<unknown[]> {
  const rows = (await (db as unknown as Kysely<Record<string, Record<string, unknown>>>)
    .selectFrom(table)
    .selectAll()
    .execute()) as Record<string, unknown>[];
  return rows
    .map(({ position: _position, ...row }) => JSON.stringify(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1))))
    .sort();
}

/** Every `position` key dropped, at any depth: positions differ between the two logs. */
function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "position")
      .map(([key, v]) => [key, withoutPositions(v)]),
  );
}

describePostgres("PostgreSQL read models, against SQLite's for the same log", () => {
  it("given the same colony story, every read-model table holds the same rows", async () => {
    const { sqlite, postgres } = await bothLogs(400, 11);
    const tables = allProjections.flatMap((p) => p.tables);
    for (const table of tables) {
      const rows = await rowsOf(sqlite.readModels, table);
      expect(await rowsOf(postgres.readModels, table), table).toEqual(rows);
    }
    // The story reaches every table (an empty comparison would prove nothing).
    for (const table of tables) expect((await rowsOf(sqlite.readModels, table)).length, table).toBeGreaterThan(0);
  });

  it("given the same colony story, the runtime's and the API's reads answer alike", async () => {
    const { sqlite, postgres } = await bothLogs(300, 5);
    const both = async <T>(read: (db: Kysely<ReadModels>) => Promise<T>) => {
      const expected = withoutPositions(await read(sqlite.readModels));
      expect(withoutPositions(await read(postgres.readModels))).toEqual(expected);
      return expected as T;
    };
    const conversations = await both(conversationList);
    expect(conversations.length).toBeGreaterThan(3);
    for (const { conversation_id: id } of conversations) {
      await both((db) => liveContext(db, id));
      await both((db) => conversationHistory(db, id));
      await both((db) => conversationAt(db, id, { history: true }));
    }
    const colonyIds = (await both(colonies)).map((c) => c.id);
    expect(colonyIds.length).toBeGreaterThan(0);
    for (const id of colonyIds) {
      await both((db) => colony(db, id));
      await both((db) => colonyWorkers(db, id));
      await both((db) => httpColonyTasks(db, id));
      await both((db) => colonyTasks(ledgerTables(db), id));
      await both((db) => unfinishedCounts(ledgerTables(db), id));
      await both((db) => nextSeq(ledgerTables(db), id));
      await both((db) => pendingCandidates(ledgerTables(db), id, 5));
      await both((db) => staleClaimIds(ledgerTables(db), "2100-01-01T00:00:00.000Z", id));
    }
    const names = await sqlite.readModels.selectFrom("colonies").select("name").execute();
    for (const { name } of names) await both((db) => colonyIdByName(ledgerTables(db), name));
  });

  it("orders text byte by byte in a database whose own collation does not (ICU en-US)", async () => {
    const database = await postgresDatabase();
    const admin = new pg.Client({ connectionString: database.url.replace(`/${database.name}`, "/postgres") });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE ${database.name}`);
      await admin.query(
        `CREATE DATABASE ${database.name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
      );
      // The database itself would order these otherwise: punctuation and case count less.
      const locale = new pg.Client({ connectionString: database.url });
      await locale.connect();
      const { rows } = await locale
        .query<{ v: string }>("SELECT v FROM unnest(ARRAY['ab', 'a_b', 'B', 'a']) AS v ORDER BY v")
        .finally(() => locale.end());
      expect(rows.map((r) => r.v)).not.toEqual(["B", "a", "a_b", "ab"]);
    } finally {
      await admin.end();
    }
    const db = await openPostgresColonyDatabase(database.url, { ...quiet, pollIntervalMs: 20 });
    closing.push(db);
    for (const id of ["ab", "a_b", "B", "a"]) {
      await db.events.append(`worker-${id}`, [sample("WorkerSpawned", { workerId: id })], {
        expectedVersion: "no_stream",
      });
    }
    await db.runner.catchUp();
    const ids = await db.readModels.selectFrom("workers").select("id").orderBy("id").execute();
    expect(ids.map((r) => r.id)).toEqual(["B", "a", "a_b", "ab"]);
  });
});

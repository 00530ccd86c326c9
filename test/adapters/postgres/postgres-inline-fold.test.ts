import { afterAll, afterEach, expect, it } from "vitest";
import type {
  InlineFold,
  PostgresInlineProjections,
  SqlClient,
} from "../../../src/adapters/postgres/inline-projections.js";
import { PostgresEventStore } from "../../../src/adapters/postgres/postgres-event-store.js";
import type { RecordedEvent } from "../../../src/domain/envelope.js";
import type { ColonyError } from "../../../src/domain/errors.js";
import type { BatchRange } from "../../../src/projections/projection-store.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";
import { sample } from "../../support/sample-events.js";
import { holdAppend, someoneWaits, until } from "./held-append.js";

/**
 * Inline projections on PostgreSQL: folded in the append's own transaction, on the client it
 * lends. A projection of the test's own writes one row per event, so what was folded is plain.
 */
class RowPerEvent implements PostgresInlineProjections {
  readonly ranges: BatchRange[] = [];
  /** Makes the next fold fail after it wrote its rows. */
  failNext = false;

  static async prepare(store: PostgresEventStore): Promise<RowPerEvent> {
    await store.pool.query(
      `CREATE TABLE folded (position bigint PRIMARY KEY, stream_id text NOT NULL, type text NOT NULL);
       CREATE TABLE folded_checkpoint (position bigint NOT NULL);
       INSERT INTO folded_checkpoint VALUES (0);`,
    );
    return new RowPerEvent();
  }

  async lockCheckpoints(tx: SqlClient): Promise<InlineFold> {
    const { rows } = await tx.query("SELECT position::text AS p FROM folded_checkpoint FOR UPDATE");
    const after = BigInt((rows[0] as { p: string }).p);
    return { after, apply: (events, through) => this.apply(tx, events, { after, through }) };
  }

  private async apply(tx: SqlClient, events: readonly RecordedEvent[], range: BatchRange): Promise<void> {
    for (const event of events) {
      if (event.position <= range.after) continue;
      await tx.query("INSERT INTO folded (position, stream_id, type) VALUES ($1, $2, $3)", [
        event.position,
        event.streamId,
        event.type,
      ]);
    }
    await tx.query("UPDATE folded_checkpoint SET position = $1", [range.through]);
    this.ranges.push(range);
    if (this.failNext) {
      this.failNext = false;
      throw new Error("the read model refused the batch");
    }
  }
}

const databases: PostgresDatabase[] = [];
const stores: PostgresEventStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

async function open(url?: string): Promise<PostgresEventStore> {
  let at = url;
  if (!at) {
    const database = await freshPostgresDatabase();
    databases.push(database);
    at = database.url;
  }
  const store = await PostgresEventStore.open(at, { pollIntervalMs: 50, pageSize: 3 });
  stores.push(store);
  return store;
}

const urlOf = (store: PostgresEventStore) => {
  const { connectionString } = store.pool.options as { connectionString: string };
  return connectionString;
};

async function folded(store: PostgresEventStore): Promise<{ rows: string[]; checkpoint: bigint }> {
  const rows = await store.pool.query<{ position: string; stream_id: string; type: string }>(
    "SELECT position::text AS position, stream_id, type FROM folded ORDER BY folded.position",
  );
  const checkpoint = await store.pool.query<{ p: string }>("SELECT position::text AS p FROM folded_checkpoint");
  return {
    rows: rows.rows.map((r) => `${r.position} ${r.stream_id}:${r.type}`),
    checkpoint: BigInt(checkpoint.rows[0]?.p ?? "-1"),
  };
}

async function logged(store: PostgresEventStore): Promise<string[]> {
  const out: string[] = [];
  for await (const e of store.readAll()) out.push(`${e.position} ${e.streamId}:${e.type}`);
  return out;
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the append to be refused");
    },
    (error: unknown) => error,
  );
}

describePostgres("PostgreSQL inline projections", () => {
  it("folds an accepted append in its transaction: the event and its row, the checkpoint at its last position", async () => {
    const store = await open();
    const inline = await RowPerEvent.prepare(store);
    store.attachInline(inline);
    const result = await store.append("worker-i", [sample("WorkerQueued"), sample("WorkerStarted")], {
      expectedVersion: "no_stream",
    });
    const log = await logged(store);
    expect(log).toHaveLength(2);
    expect(await folded(store)).toEqual({ rows: log, checkpoint: result.events[1]?.position });
  });

  it("leaves neither event nor row when the append is refused or the fold fails", async () => {
    const store = await open();
    const inline = await RowPerEvent.prepare(store);
    store.attachInline(inline);
    await store.append("worker-i", [sample("WorkerQueued")], { expectedVersion: "no_stream" });
    const before = { log: await logged(store), folded: await folded(store) };

    const conflict = await refusal(store.append("worker-i", [sample("WorkerStarted")], { expectedVersion: 5n }));
    expect((conflict as ColonyError).code).toBe("version_conflict");

    inline.failNext = true;
    const failure = await refusal(
      store.appendMany([
        { streamId: "worker-i", events: [sample("WorkerStarted")], expectedVersion: 0n },
        { streamId: "worker-j", events: [sample("WorkerQueued")], expectedVersion: "no_stream" },
      ]),
    );
    expect((failure as Error).message).toBe("the read model refused the batch");
    // The fold did run and write its rows: they went with the transaction.
    expect(inline.ranges).toHaveLength(2);

    expect({ log: await logged(store), folded: await folded(store) }).toEqual(before);
    expect(await store.streamVersion("worker-i")).toBe(0n);
    expect(await store.streamVersion("worker-j")).toBe("no_stream");
  });

  it("folds first what a writer without the projections appended, so the read model skips no position", async () => {
    const store = await open();
    const inline = await RowPerEvent.prepare(store);
    await store.append("worker-a", [sample("WorkerQueued")], { expectedVersion: "no_stream" });
    store.attachInline(inline);
    const other = await open(urlOf(store));
    // More than a page (3) of events the projections never saw.
    await other.append("worker-b", [sample("WorkerQueued"), sample("WorkerStarted")], { expectedVersion: "no_stream" });
    await other.append("worker-c", [sample("WorkerQueued"), sample("WorkerStarted")], { expectedVersion: "no_stream" });
    const last = await store.append("worker-a", [sample("WorkerStarted")], { expectedVersion: 0n });

    const log = await logged(store);
    expect(log).toHaveLength(6);
    expect(await folded(store)).toEqual({ rows: log, checkpoint: last.events[0]?.position });
    expect(inline.ranges).toEqual([{ after: 0n, through: last.events[0]?.position }]);
  });

  it("waits for appends in flight without the projections, then folds them before its own", async () => {
    const store = await open();
    const inline = await RowPerEvent.prepare(store);
    store.attachInline(inline);
    const url = urlOf(store);
    const held = await holdAppend(url, [
      { streamId: "worker-h", events: [sample("WorkerQueued")], expectedVersion: "no_stream" },
    ]);
    const folding = store.append("worker-i", [sample("WorkerQueued")], { expectedVersion: "no_stream" });
    await until(
      () => someoneWaits(url),
      () => "the folding append waiting for the one in flight",
    );
    await held.commit();
    const own = await folding;
    expect(held.events[0]?.position).toBeLessThan(own.events[0]?.position ?? 0n);
    const log = await logged(store);
    expect(log).toHaveLength(2);
    expect(await folded(store)).toEqual({ rows: log, checkpoint: own.events[0]?.position });
  });

  it("folds nothing for an append that only repeats one already stored", async () => {
    const store = await open();
    const inline = await RowPerEvent.prepare(store);
    store.attachInline(inline);
    const events = [{ ...sample("WorkerQueued"), metadata: { eventId: "0190a000-0000-7000-8000-0000000000f1" } }];
    const first = await store.append("worker-r", events, { expectedVersion: "no_stream" });
    const again = await store.append("worker-r", events, { expectedVersion: "no_stream" });
    expect(again).toEqual(first);
    expect(inline.ranges).toHaveLength(1);
    expect((await folded(store)).rows).toEqual(await logged(store));
  });
});

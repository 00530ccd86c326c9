import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  fullTransactionId,
  MAX_EVENTS_PER_TRANSACTION,
  safeBound,
  transactionPosition,
} from "../../../src/adapters/postgres/commit-order.js";
import { LOG_SCHEMA_VERSION } from "../../../src/adapters/postgres/log-schema.js";
import { assertWritable } from "../../../src/adapters/postgres/log-writes.js";
import {
  PostgresEventStore,
  type PostgresEventStoreOptions,
} from "../../../src/adapters/postgres/postgres-event-store.js";
import { ColonyError } from "../../../src/domain/errors.js";
import type { EventStore } from "../../../src/domain/ports/event-store.js";
import type { PreparedAppend } from "../../../src/domain/prepare-append.js";
import { describeEventStoreConformance } from "../../conformance/event-store.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";
import { sample } from "../../support/sample-events.js";

const databases: PostgresDatabase[] = [];
const urls = new WeakMap<EventStore, string>();
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

async function freshUrl(): Promise<string> {
  const database = await freshPostgresDatabase();
  databases.push(database);
  return database.url;
}

const open = async (url: string, options: PostgresEventStoreOptions = {}) => {
  const store: PostgresEventStore = await PostgresEventStore.open(url, {
    pollIntervalMs: 50,
    pageSize: 64,
    ...options,
  });
  urls.set(store, url);
  return store;
};

async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describePostgres("PostgreSQL event store", () => {
  describeEventStoreConformance("PostgreSQL", {
    fresh: async (options) => open(await freshUrl(), options),
    async reopen(store, options) {
      const url = urls.get(store);
      if (!url) throw new Error("not a store this harness opened");
      return open(url, options);
    },
  });

  describe("opening", () => {
    it("migrates a new database once when several processes' stores open it at the same moment", async () => {
      const url = await freshUrl();
      const stores = await Promise.all(Array.from({ length: 5 }, () => open(url)));
      try {
        const [first] = stores;
        await first?.append("worker-m", [sample("WorkerQueued")], { expectedVersion: "no_stream" });
        for (const store of stores) expect(await store.streamVersion("worker-m")).toBe(0n);
        const versions = await onDatabase(url, (c) => c.query("SELECT version FROM colonylog_log_schema"));
        expect(versions.rows).toEqual([{ version: LOG_SCHEMA_VERSION }]);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it("keeps positions growing after the log moved to a cluster whose transaction ids are behind", async () => {
      const url = await freshUrl();
      const before = await open(url);
      const stored = await before.append("worker-r", [sample("WorkerQueued")], { expectedVersion: "no_stream" });
      await before.close();
      // What pg_dump into a younger cluster amounts to: the ids the positions were made of are ahead.
      await onDatabase(url, (c) =>
        c.query("UPDATE colonylog_log_clock SET transaction_offset = transaction_offset - 1000000"),
      );
      const after = await open(url);
      try {
        const next = await after.append("worker-r", [sample("WorkerStarted")], { expectedVersion: 0n });
        expect(next.events[0]?.position).toBeGreaterThan(stored.events[0]?.position ?? 0n);
        expect(await after.headPosition()).toBe(next.events[0]?.position);
      } finally {
        await after.close();
      }
    });
  });

  describe("positions", () => {
    it("packs the transaction and the index so every position of a later transaction is higher", async () => {
      const store = await open(await freshUrl());
      try {
        const [a, b] = [
          await store.append("worker-p", [sample("WorkerQueued"), sample("WorkerStarted")], {
            expectedVersion: "no_stream",
          }),
          await store.append("worker-p", [sample("WorkerStopped")], { expectedVersion: 1n }),
        ];
        const [a0, a1] = a.events.map((e) => e.position);
        const [b0] = b.events.map((e) => e.position);
        expect(a1).toBe((a0 as bigint) + 1n);
        expect((a0 as bigint) % 2n ** 20n).toBe(0n);
        expect(b0).toBeGreaterThanOrEqual((a0 as bigint) + 2n ** 20n);
      } finally {
        await store.close();
      }
    });

    it("numbers an append longer than one INSERT's chunk on from the stream's version, and refuses a stale one whole", async () => {
      const store = await open(await freshUrl());
      try {
        const many = (count: number) => Array.from({ length: count }, () => sample("WorkerStarted"));
        await store.append("worker-c", many(3), { expectedVersion: "no_stream" });
        const long = await store.append("worker-c", many(2500), { expectedVersion: 2n });
        expect(long.nextExpectedVersion).toBe(2502n);
        const versions: bigint[] = [];
        for await (const event of store.readStream("worker-c")) versions.push(event.version);
        expect(versions).toEqual(Array.from({ length: 2503 }, (_, i) => BigInt(i)));
        expect(long.events.map((e) => e.version)).toEqual(versions.slice(3));
        const stale = await store.append("worker-c", many(1500), { expectedVersion: 2n }).catch((e: unknown) => e);
        expect((stale as ColonyError).code).toBe("version_conflict");
        expect(await store.streamVersion("worker-c")).toBe(2502n);
      } finally {
        await store.close();
      }
    });

    it("refuses an append of more events than a transaction's index can number, before writing", () => {
      const event = { type: "ConversationPartAppended", data: {}, metadata: {}, idGiven: false };
      const append = (count: number) =>
        [
          { streamId: "conversation-x", expectedVersion: "any", events: new Array(count).fill(event) },
        ] as PreparedAppend[];
      expect(() => assertWritable(append(MAX_EVENTS_PER_TRANSACTION))).not.toThrow();
      let refusal: unknown;
      try {
        assertWritable(append(MAX_EVENTS_PER_TRANSACTION + 1));
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(ColonyError);
      expect((refusal as ColonyError).code).toBe("invalid_argument");
      expect((refusal as ColonyError).message).toMatch(/^events: .*at most 1048576 events.*has 1048577/);
    });

    it("reads a 32-bit transaction id of pg_locks as the full id nearest its reference, across a wrap", () => {
      const epoch = 2n ** 32n;
      expect(fullTransactionId(90n, 100n)).toBe(90n);
      expect(fullTransactionId(110n, 100n)).toBe(110n);
      expect(fullTransactionId(epoch - 6n, epoch + 5n)).toBe(epoch - 6n);
      expect(fullTransactionId(7n, epoch - 3n)).toBe(epoch + 7n);
      expect(fullTransactionId(5n, 3n * epoch + 5n)).toBe(3n * epoch + 5n);
    });

    it("bounds readers below the lowest transaction still appending, else below the snapshot's next id", () => {
      const offset = -700n;
      expect(safeBound({ next: 1000n, offset, writers: [] })).toBe(300n << 20n);
      expect(safeBound({ next: 1000n, offset, writers: [995n, 990n, 1002n] })).toBe(290n << 20n);
    });

    it("fits the last transaction number (2^43 - 1) and the last index in a signed 64-bit position", () => {
      const last = transactionPosition(2n ** 43n - 1n, 0n) + BigInt(MAX_EVENTS_PER_TRANSACTION - 1);
      expect(last).toBe(2n ** 63n - 1n);
      expect(transactionPosition(2n ** 43n, 0n)).toBeGreaterThan(2n ** 63n - 1n);
    });
  });
});

import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { rowStatements } from "../../../src/adapters/postgres/log-rows.js";
import { PostgresEventStore } from "../../../src/adapters/postgres/postgres-event-store.js";
import type { RecordedEvent } from "../../../src/domain/envelope.js";
import { VersionConflictError } from "../../../src/domain/errors.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";
import { sample } from "../../support/sample-events.js";
import { holdAppend, someoneWaits, until } from "./held-append.js";

/**
 * Commit order on PostgreSQL (DESIGN §2): transactions that interleave and commit out of order,
 * held open with the store's own append steps (held-append.ts).
 */

const databases: PostgresDatabase[] = [];
const stores: PostgresEventStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

async function freshStore(): Promise<{ url: string; store: PostgresEventStore }> {
  const database = await freshPostgresDatabase();
  databases.push(database);
  const store = await PostgresEventStore.open(database.url, { pollIntervalMs: 20 });
  stores.push(store);
  return { url: database.url, store };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Counts the global page reads the store's subscriptions (and readAll) complete. */
function countPageReads(store: PostgresEventStore): () => number {
  let reads = 0;
  const query = store.pool.query.bind(store.pool) as (...args: unknown[]) => Promise<unknown>;
  vi.spyOn(store.pool, "query").mockImplementation((async (...args: unknown[]) => {
    const result = await query(...args);
    const config = args[0] as { text?: string };
    if (config?.text === rowStatements.range) reads++;
    return result;
  }) as never);
  return () => reads;
}

describePostgres("PostgreSQL commit order", () => {
  it("delivers a transaction that began first and commits last: not skipped, not reordered", async () => {
    const { url, store } = await freshStore();
    const before = await store.append("worker-w0", [sample("WorkerQueued")], { expectedVersion: "no_stream" });
    const received: RecordedEvent[] = [];
    const reads = countPageReads(store);
    const subscription = store.subscribe().subscribe({ next: (e) => received.push(e) });
    try {
      await until(
        () => received.length === 1,
        () => "the subscriber catching up",
      );

      // A begins and writes first, and stays open; B begins after it and commits.
      const a = await holdAppend(url, [
        {
          streamId: "worker-a",
          events: [sample("WorkerQueued"), sample("WorkerStarted")],
          expectedVersion: "no_stream",
        },
      ]);
      const b = await store.append("worker-b", [sample("WorkerQueued")], { expectedVersion: "no_stream" });
      const [a0, a1] = a.events;
      const [b0] = b.events;
      expect(a0 && b0 && a0.position < b0.position).toBe(true);

      // Three more page reads of the subscriber: the first may have begun before B committed,
      // the second began after, and the third shows the second's rows were handled. It has
      // nothing of A, which has not committed, nor of B, which sits above A and so waits until A
      // can no longer land below it.
      const seen = reads();
      await until(
        () => reads() >= seen + 3,
        () => `the subscriber reading again (${reads() - seen} reads)`,
      );
      expect(received.map((e) => e.metadata.eventId)).toEqual([before.events[0]?.metadata.eventId]);
      expect((await collect(store.readAll())).map((e) => e.streamId)).toEqual(["worker-w0"]);
      expect(await store.headPosition()).toBe(before.events[0]?.position);
      // Reading one stream is not held back: B is committed, and its versions are all there.
      expect((await collect(store.readStream("worker-b"))).map((e) => e.position)).toEqual([b0?.position]);

      await a.commit();
      await until(
        () => received.length >= 4,
        () => `A and B delivered (${received.length - 1} of 3)`,
      );
      // One more append, so anything delivered twice would show up before it.
      const after = await store.append("worker-w0", [sample("WorkerStarted")], { expectedVersion: 0n });
      await until(
        () => received.some((e) => e.metadata.eventId === after.events[0]?.metadata.eventId),
        () => "the last append delivered",
      );

      expect(received.map((e) => [e.streamId, e.type])).toEqual([
        ["worker-w0", "WorkerQueued"],
        ["worker-a", "WorkerQueued"],
        ["worker-a", "WorkerStarted"],
        ["worker-b", "WorkerQueued"],
        ["worker-w0", "WorkerStarted"],
      ]);
      expect(received.map((e) => e.position)).toEqual([
        before.events[0]?.position,
        a0?.position,
        a1?.position,
        b0?.position,
        after.events[0]?.position,
      ]);
      expect(received).toEqual(await collect(store.readAll()));
    } finally {
      subscription.unsubscribe();
    }
  });

  it("drops a rolled-back transaction's events and lets readers past it", async () => {
    const { url, store } = await freshStore();
    const a = await holdAppend(url, [
      { streamId: "worker-a", events: [sample("WorkerQueued")], expectedVersion: "any" },
    ]);
    const b = await store.append("worker-b", [sample("WorkerQueued")], { expectedVersion: "no_stream" });
    expect(await store.headPosition()).toBe(0n);
    expect(await collect(store.readAll())).toEqual([]);
    await a.rollback();
    expect(await store.headPosition()).toBe(b.events[0]?.position);
    expect((await collect(store.readAll())).map((e) => e.streamId)).toEqual(["worker-b"]);
  });

  describe("concurrent writers", () => {
    it("turns a version taken by a transaction that commits meanwhile into VersionConflictError with the actual version", async () => {
      const { url, store } = await freshStore();
      const a = await holdAppend(url, [
        { streamId: "task-t", events: [sample("TaskSeeded")], expectedVersion: "no_stream" },
      ]);
      // This append checks before A commits (A's row is invisible to it), then waits on the key.
      const refused = store.append("task-t", [sample("TaskSeeded")], { expectedVersion: "no_stream" }).then(
        () => undefined,
        (error: unknown) => error,
      );
      const anyVersion = store.append("task-t", [sample("TaskClaimed")], { expectedVersion: "any" });
      await until(
        () => someoneWaits(url),
        () => "the appends blocking on A's row",
      );
      await a.commit();

      const error = await refused;
      expect(error).toBeInstanceOf(VersionConflictError);
      expect((error as VersionConflictError).actual).not.toBe("no_stream");
      expect((error as VersionConflictError).expected).toBe("no_stream");
      const accepted = await anyVersion;
      expect(accepted.events[0]?.version).toBeGreaterThanOrEqual(1n);
      const versions = (await collect(store.readStream("task-t"))).map((e) => [e.version, e.type]);
      expect(versions).toEqual([
        [0n, "TaskSeeded"],
        [1n, "TaskClaimed"],
      ]);
    });

    it("answers a retry racing the append it repeats with what that append stored", async () => {
      const { url, store } = await freshStore();
      const events = [
        { ...sample("WorkerQueued"), metadata: { eventId: "0190a000-0000-7000-8000-0000000000c1" } },
        { ...sample("WorkerStarted"), metadata: { eventId: "0190a000-0000-7000-8000-0000000000c2" } },
      ];
      const a = await holdAppend(url, [{ streamId: "worker-r", events, expectedVersion: "no_stream" }]);
      const retry = store.append("worker-r", events, { expectedVersion: "no_stream" });
      await until(
        () => someoneWaits(url),
        () => "the retry blocking on the first append's rows",
      );
      await a.commit();
      const retried = await retry;
      expect(retried.events).toEqual(a.events);
      expect(retried.nextExpectedVersion).toBe(1n);
      expect(await collect(store.readAll())).toEqual(a.events);
    });
  });
});

import { firstValueFrom, ReplaySubject, filter as rxFilter } from "rxjs";
import { describe, expect, it, vi } from "vitest";
import { SqliteEventStore } from "../../src/adapters/sqlite/sqlite-event-store.js";
import { eventIdBytes } from "../../src/adapters/sqlite/stored-envelope.js";
import { workersProjection } from "../../src/projections/workers/workers-projection.js";
import { colonyDatabases } from "../support/colony-database.js";
import { sample } from "../support/sample-events.js";

const open = colonyDatabases();

const statusOf = async (db: Awaited<ReturnType<typeof open>>, id: string) =>
  (await db.readModels.selectFrom("workers").select("status").where("id", "=", id).executeTakeFirst())?.status;

describe("projection store and runner", () => {
  it("follows the log live, in batches, after catching up", async () => {
    const db = await open({ projections: [workersProjection], batchMs: 5 });
    await db.events.append("worker-a", [sample("WorkerSpawned", { workerId: "a" })], { expectedVersion: "no_stream" });
    const caughtUp = firstValueFrom(db.runner.follow().pipe(rxFilter((p) => p.position >= 2n)));
    await db.events.append("worker-a", [sample("WorkerStarted")], { expectedVersion: 0n });
    await caughtUp;
    expect(await statusOf(db, "a")).toBe("running");
    expect((await db.projections.status())[0]?.checkpoint).toBe(2n);
  });

  it("applies nothing twice: events at or below the checkpoint in a batch are skipped", async () => {
    const db = await open({ projections: [workersProjection] });
    const first = await db.events.append(
      "worker-b",
      [sample("WorkerSpawned", { workerId: "b" }), sample("WorkerStarted")],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    const next = await db.events.append("worker-b", [sample("WorkerStopped")], { expectedVersion: 1n });
    // A redelivery that overlaps what was folded: the spawn again would break the primary key.
    await db.projections.apply([...first.events, ...next.events], { after: 0n, through: 3n });
    expect(await statusOf(db, "b")).toBe("stopped");
    await db.projections.apply(first.events, { after: 0n, through: 2n });
    expect(await statusOf(db, "b")).toBe("stopped");
  });

  it("leaves a projection reset meanwhile untouched by a batch that would leave a gap", async () => {
    const db = await open({ projections: [workersProjection] });
    for (const id of ["r1", "r2", "r3"]) {
      await db.events.append(`worker-${id}`, [sample("WorkerSpawned", { workerId: id })], {
        expectedVersion: "no_stream",
      });
    }
    await db.runner.catchUp();
    await db.projections.reset(["workers"]);
    const { events } = await db.events.append("worker-r4", [sample("WorkerSpawned", { workerId: "r4" })], {
      expectedVersion: "no_stream",
    });
    await db.projections.apply(events, { after: 3n, through: 4n });
    expect((await db.projections.status())[0]?.checkpoint).toBe(0n);
    expect(await db.readModels.selectFrom("workers").select("id").execute()).toEqual([]);
  });

  it("pulls a projection reset under a live follower back up without losing events", async () => {
    const db = await open({ projections: [workersProjection], batchMs: 5 });
    await db.events.append("worker-s1", [sample("WorkerSpawned", { workerId: "s1" })], {
      expectedVersion: "no_stream",
    });
    await db.runner.catchUp();
    const progress = new ReplaySubject<bigint>();
    const following = db.runner.follow().subscribe((p) => progress.next(p.position));
    const reach = (position: bigint) => firstValueFrom(progress.pipe(rxFilter((p) => p >= position)));
    await db.events.append("worker-s2", [sample("WorkerSpawned", { workerId: "s2" })], {
      expectedVersion: "no_stream",
    });
    await reach(2n);
    // Another process starts a rebuild: the tables are empty and the checkpoint is back at 0.
    await db.projections.reset(["workers"]);
    await db.events.append("worker-s3", [sample("WorkerSpawned", { workerId: "s3" })], {
      expectedVersion: "no_stream",
    });
    await reach(3n);
    following.unsubscribe();
    const ids = (await db.readModels.selectFrom("workers").select("id").orderBy("id").execute()).map((r) => r.id);
    expect(ids).toEqual(["s1", "s2", "s3"]);
    expect((await db.projections.status())[0]?.checkpoint).toBe(3n);
  });

  it("skips an event type it does not know, with one warning, and moves on", async () => {
    const warn = vi.fn();
    const db = await open({ projections: [workersProjection], warn });
    await db.events.append("worker-c", [sample("WorkerSpawned", { workerId: "c" })], { expectedVersion: "no_stream" });
    // A newer colonylog wrote an event this one has never heard of.
    const raw = db.events.database.prepare(
      "INSERT INTO events (stream_id, version, type, data, event_id, recorded_at, schema_version) VALUES (?, ?, ?, ?, ?, ?, 1)",
    );
    for (const [version, id] of [
      [1, "0190a000-0000-7000-8000-0000000000f1"],
      [2, "0190a000-0000-7000-8000-0000000000f2"],
    ] as const) {
      raw.run("worker-c", version, "WorkerDreamed", "{}", eventIdBytes(id), Date.parse("2026-11-22T00:00:00.000Z"));
    }
    await db.events.append("worker-c", [sample("WorkerStarted")], { expectedVersion: 2n });
    await db.runner.catchUp();
    expect(await statusOf(db, "c")).toBe("running");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/unknown type WorkerDreamed \(first at position 2\)/);
    expect((await db.projections.status())[0]?.checkpoint).toBe(4n);
  });

  it("rebuilds a projection whose version changed", async () => {
    const db = await open({ projections: [workersProjection] });
    await db.events.append("worker-d", [sample("WorkerSpawned", { workerId: "d" })], { expectedVersion: "no_stream" });
    await db.runner.catchUp();
    await db.close();

    const { openColonyDatabase } = await import("../../src/adapters/sqlite/open-colony-database.js");
    const bumped = { ...workersProjection, version: workersProjection.version + 1 };
    const reopened = await openColonyDatabase(db.file, { projections: [bumped], warn: () => {} });
    try {
      expect(await reopened.projections.status()).toEqual([{ name: "workers", version: 2, checkpoint: 0n }]);
      expect(await reopened.readModels.selectFrom("workers").selectAll().execute()).toEqual([]);
      await reopened.runner.catchUp();
      expect((await reopened.readModels.selectFrom("workers").select("id").execute()).map((r) => r.id)).toEqual(["d"]);
    } finally {
      await reopened.close();
    }
  });

  it("folds inline appends made after another process wrote without the projection, skipping nothing", async () => {
    const db = await open({ projections: [workersProjection], inline: ["workers"] });
    const other = SqliteEventStore.open(db.file);
    try {
      await other.append("worker-e", [sample("WorkerSpawned", { workerId: "e" })], { expectedVersion: "no_stream" });
      await db.events.append("worker-f", [sample("WorkerSpawned", { workerId: "f" })], {
        expectedVersion: "no_stream",
      });
    } finally {
      await other.close();
    }
    expect(await statusOf(db, "e")).toBe("spawned");
    expect(await statusOf(db, "f")).toBe("spawned");
    expect((await db.inlineProjections.status())[0]?.checkpoint).toBe(2n);
  });

  it("rolls the read model back with a refused append", async () => {
    const db = await open({ projections: [workersProjection], inline: ["workers"] });
    await expect(
      db.events.appendMany([
        { streamId: "worker-g", events: [sample("WorkerSpawned", { workerId: "g" })], expectedVersion: "no_stream" },
        { streamId: "worker-h", events: [sample("WorkerStarted")], expectedVersion: 3n },
      ]),
    ).rejects.toThrow(/expected version 3, actual version no_stream/);
    expect(await statusOf(db, "g")).toBeUndefined();
    expect((await db.inlineProjections.status())[0]?.checkpoint).toBe(0n);
  });
});

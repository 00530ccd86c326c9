import type { Kysely } from "kysely";
import { firstValueFrom, ReplaySubject, filter as rxFilter } from "rxjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { NewEvent } from "../../src/domain/envelope.js";
import { EventCatalogue, eventGroups } from "../../src/domain/events/catalogue.js";
import type { EventStore } from "../../src/domain/ports/event-store.js";
import type { AnyProjection } from "../../src/projections/projection.js";
import type { ProjectionRunner } from "../../src/projections/projection-runner.js";
import type { ProjectionStore } from "../../src/projections/projection-store.js";
import type { ReadModels } from "../../src/projections/read-models.js";
import { workersProjection } from "../../src/projections/workers/workers-projection.js";
import { sample } from "../support/sample-events.js";

/** What a test opens: a log, the projections folded after the fact and inline, and the reads. */
export interface ProjectionDatabase {
  readonly events: EventStore;
  /** Projections the runner feeds. */
  readonly projections: ProjectionStore;
  /** Projections every append folds in its own transaction. */
  readonly inlineProjections: ProjectionStore;
  readonly runner: ProjectionRunner;
  readonly readModels: Kysely<ReadModels>;
  close(): Promise<void>;
}

export interface ProjectionDatabaseOptions {
  readonly projections: readonly AnyProjection[];
  /** Names of projections folded inside each append transaction. */
  readonly inline?: readonly string[];
  readonly batchMs?: number;
  readonly warn?: (message: string) => void;
}

export interface ProjectionStoreHarness {
  /** A database on a new, empty log. */
  fresh(options: ProjectionDatabaseOptions): Promise<ProjectionDatabase>;
  /** The log and read models of `db` (closed by then) opened again, as the next start of the process would. */
  reopen(db: ProjectionDatabase, options: ProjectionDatabaseOptions): Promise<ProjectionDatabase>;
  /** Another process's writer on the same log, folding nothing inline (knowing the types of `catalogue`). */
  otherWriter(db: ProjectionDatabase, options?: { catalogue?: EventCatalogue }): Promise<EventStore>;
  /** Another process's projection store on the same read models. */
  otherStore(db: ProjectionDatabase, projections: readonly AnyProjection[]): Promise<ProjectionStore>;
}

type Db = ProjectionDatabase;

const statusOf = async (db: Db, id: string) =>
  (await db.readModels.selectFrom("workers").select("status").where("id", "=", id).executeTakeFirst())?.status;
const workerIds = async (db: Db) =>
  (await db.readModels.selectFrom("workers").select("id").orderBy("id").execute()).map((r) => r.id);
const checkpointOf = async (store: ProjectionStore) => (await store.status())[0]?.checkpoint;
/** The catalogue of a newer colonylog, with an event type this one does not know. */
const newerCatalogue = new EventCatalogue({
  ...eventGroups,
  worker: { ...eventGroups.worker, WorkerDreamed: z.strictObject({}) },
});
const dreamed: NewEvent = { type: "WorkerDreamed", data: {} };
const spawn = (db: Db, id: string) =>
  db.events.append(`worker-${id}`, [sample("WorkerSpawned", { workerId: id })], { expectedVersion: "no_stream" });

/**
 * The projection store's contract (DESIGN §5), written once and run against every store: a batch
 * and its checkpoints commit together, nothing is folded twice or skipped, a reset projection is
 * caught up again, inline projections ride the append transaction. Positions are read from the
 * log, never assumed (a store numbers its log as it likes).
 */
export function describeProjectionStoreConformance(store: string, harness: ProjectionStoreHarness): void {
  describe(`ProjectionStore conformance: ${store}`, () => {
    const opened: { close(): Promise<void> }[] = [];
    const track = <T extends { close(): Promise<void> }>(resource: T): T => {
      opened.push(resource);
      return resource;
    };
    const open = async (options: ProjectionDatabaseOptions) =>
      track(await harness.fresh({ warn: () => {}, ...options }));
    afterEach(async () => {
      for (const resource of opened.splice(0).reverse()) await resource.close();
    });

    it("follows the log live, in batches, after catching up", async () => {
      const db = await open({ projections: [workersProjection], batchMs: 5 });
      await spawn(db, "a");
      const progress = new ReplaySubject<bigint>();
      const following = db.runner.follow().subscribe((p) => progress.next(p.position));
      try {
        await firstValueFrom(progress.pipe(rxFilter((p) => p >= 1n)));
        const started = await db.events.append("worker-a", [sample("WorkerStarted")], { expectedVersion: 0n });
        const position = started.events[0]?.position ?? 0n;
        await firstValueFrom(progress.pipe(rxFilter((p) => p >= position)));
        expect(await statusOf(db, "a")).toBe("running");
        expect(await checkpointOf(db.projections)).toBe(position);
      } finally {
        following.unsubscribe();
      }
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
      const head = await db.events.headPosition();
      const folded = await checkpointOf(db.projections);
      // A redelivery that overlaps what was folded: the spawn again would break the primary key.
      await db.projections.apply([...first.events, ...next.events], { after: 0n, through: head });
      expect(await statusOf(db, "b")).toBe("stopped");
      await db.projections.apply(first.events, { after: 0n, through: folded ?? 0n });
      expect(await statusOf(db, "b")).toBe("stopped");
      expect(await checkpointOf(db.projections)).toBe(head);
    });

    it("leaves a projection reset meanwhile untouched by a batch that would leave a gap", async () => {
      const db = await open({ projections: [workersProjection] });
      for (const id of ["r1", "r2", "r3"]) await spawn(db, id);
      await db.runner.catchUp();
      await db.projections.reset(["workers"]);
      const after = await db.events.headPosition();
      const { events } = await spawn(db, "r4");
      await db.projections.apply(events, { after, through: await db.events.headPosition() });
      expect(await checkpointOf(db.projections)).toBe(0n);
      expect(await workerIds(db)).toEqual([]);
    });

    it("pulls a projection reset under a live follower back up without losing events", async () => {
      const db = await open({ projections: [workersProjection], batchMs: 5 });
      await spawn(db, "s1");
      await db.runner.catchUp();
      const progress = new ReplaySubject<bigint>();
      const following = db.runner.follow().subscribe((p) => progress.next(p.position));
      const reach = (position: bigint) => firstValueFrom(progress.pipe(rxFilter((p) => p >= position)));
      try {
        await spawn(db, "s2");
        await reach(await db.events.headPosition());
        // Another process starts a rebuild: the tables are empty and the checkpoint is back at 0.
        await db.projections.reset(["workers"]);
        await spawn(db, "s3");
        await reach(await db.events.headPosition());
      } finally {
        following.unsubscribe();
      }
      expect(await workerIds(db)).toEqual(["s1", "s2", "s3"]);
      expect(await checkpointOf(db.projections)).toBe(await db.events.headPosition());
    });

    it("skips an event type it does not know, with one warning, and moves on", async () => {
      const warn = vi.fn();
      const db = await open({ projections: [workersProjection], warn });
      await spawn(db, "c");
      // A newer colonylog wrote events this one has never heard of.
      const newer = track(await harness.otherWriter(db, { catalogue: newerCatalogue }));
      await newer.append("worker-c", [dreamed, dreamed], { expectedVersion: 0n });
      await db.events.append("worker-c", [sample("WorkerStarted")], { expectedVersion: 2n });
      await db.runner.catchUp();
      expect(await statusOf(db, "c")).toBe("running");
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.[0]).toMatch(/unknown type WorkerDreamed \(first at position \d+\)/);
      expect(await checkpointOf(db.projections)).toBe(await db.events.headPosition());
    });

    it("rebuilds a projection whose version changed", async () => {
      const db = await harness.fresh({ projections: [workersProjection], warn: () => {} });
      await spawn(db, "d");
      await db.runner.catchUp();
      await db.close();
      const bumped = { ...workersProjection, version: workersProjection.version + 1 };
      const reopened = track(await harness.reopen(db, { projections: [bumped], warn: () => {} }));
      expect(await reopened.projections.status()).toEqual([
        { name: "workers", version: workersProjection.version + 1, checkpoint: 0n },
      ]);
      expect(await reopened.readModels.selectFrom("workers").selectAll().execute()).toEqual([]);
      await reopened.runner.catchUp();
      expect(await workerIds(reopened)).toEqual(["d"]);
    });

    it("keeps a checkpoint past 2^53 exactly", async () => {
      const db = await open({ projections: [workersProjection] });
      const far = 2n ** 62n + 1n;
      await db.projections.apply([], { after: 0n, through: far });
      expect(await checkpointOf(db.projections)).toBe(far);
    });

    it("reads integers as numbers, past 2^31 too, and counts as numbers, as SQLite gives them", async () => {
      const db = await open({ projections: [workersProjection] });
      await spawn(db, "big");
      await db.events.append(
        "worker-big",
        [sample("WorkerReported", { durationMs: 3_000_000_000, tokens: { inputTokens: 2 ** 40, outputTokens: 7 } })],
        { expectedVersion: 0n },
      );
      await db.runner.catchUp();
      const row = await db.readModels
        .selectFrom("workers")
        .select(["duration_ms", "input_tokens", "output_tokens", "persistent", "attempt"])
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        duration_ms: 3_000_000_000,
        input_tokens: 2 ** 40,
        output_tokens: 7,
        persistent: 0,
        attempt: 0,
      });
      const counted = await db.readModels
        .selectFrom("workers")
        .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.max("duration_ms").as("longest")])
        .executeTakeFirstOrThrow();
      expect(counted).toEqual({ n: 1, longest: 3_000_000_000 });
    });

    it("orders text byte by byte, as SQLite's BINARY does", async () => {
      const db = await open({ projections: [workersProjection] });
      for (const id of ["ab", "a_b", "B", "a.b", "a", "Ab", "a-b"]) await spawn(db, id);
      await db.runner.catchUp();
      expect(await workerIds(db)).toEqual(["Ab", "B", "a", "a-b", "a.b", "a_b", "ab"]);
    });

    it("folds a batch once when two stores on the same read models apply it at the same time", async () => {
      const db = await open({ projections: [workersProjection] });
      const other = track(await harness.otherStore(db, [workersProjection]));
      await other.prepare();
      const first = await db.events.append(
        "worker-twice",
        [sample("WorkerSpawned", { workerId: "twice" }), sample("WorkerStarted")],
        { expectedVersion: "no_stream" },
      );
      const range = { after: 0n, through: await db.events.headPosition() };
      // Folding the spawn twice would break the primary key and fail one of them.
      await Promise.all([db.projections.apply(first.events, range), other.apply(first.events, range)]);
      expect(await statusOf(db, "twice")).toBe("running");
      expect(await checkpointOf(db.projections)).toBe(range.through);
    });

    it("refuses to reset a projection it does not keep, naming those it keeps", async () => {
      const db = await open({ projections: [workersProjection] });
      await spawn(db, "kept");
      await db.runner.catchUp();
      await expect(db.projections.reset(["workers", "nope"])).rejects.toThrow(
        /unknown projection nope \(known: workers\)/,
      );
      expect(await workerIds(db)).toEqual(["kept"]);
    });

    it("folds inline appends made after another process wrote without the projection, skipping nothing", async () => {
      const db = await open({ projections: [workersProjection], inline: ["workers"] });
      const other = track(await harness.otherWriter(db));
      await other.append("worker-e", [sample("WorkerSpawned", { workerId: "e" })], { expectedVersion: "no_stream" });
      await spawn(db, "f");
      expect(await statusOf(db, "e")).toBe("spawned");
      expect(await statusOf(db, "f")).toBe("spawned");
      expect(await checkpointOf(db.inlineProjections)).toBe(await db.events.headPosition());
    });

    it("resets an inline projection while appends fold it, losing no event", async () => {
      const db = await open({ projections: [workersProjection], inline: ["workers"] });
      const other = track(await harness.otherStore(db, [workersProjection]));
      await other.prepare();
      const ids = Array.from({ length: 30 }, (_, i) => `n${String(i).padStart(2, "0")}`);
      await Promise.all([
        ...ids.map((id) => spawn(db, id)),
        ...Array.from({ length: 4 }, () => other.reset(["workers"])),
      ]);
      // A reset may come last: the next inline append folds everything since, its own included.
      await spawn(db, "n99");
      expect(await workerIds(db)).toEqual([...ids, "n99"]);
      expect(await checkpointOf(db.inlineProjections)).toBe(await db.events.headPosition());
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
      expect(await checkpointOf(db.inlineProjections)).toBe(0n);
    });
  });
}

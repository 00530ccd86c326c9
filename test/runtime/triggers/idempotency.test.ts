import { describe, expect, it } from "vitest";
import { openColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import { CommandRefusedError } from "../../../src/domain/deciders/refusal.js";
import type { SpawnWorker } from "../../../src/runtime/triggers/firing.js";
import { idempotencyStreamId } from "../../../src/runtime/triggers/idempotency-keys.js";
import { TriggerService, type TriggerServiceOptions } from "../../../src/runtime/triggers/trigger-service.js";
import { signWebhook } from "../../../src/runtime/triggers/webhook-signature.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { ManualTime } from "../../support/manual-time.js";
import { recordingSpawn } from "../../support/recording-spawn.js";
import { COLONY_ID, createColony, eventsOfType, readStream, sequentialIds } from "../../support/trigger-colony.js";

const openDatabase = colonyDatabases();
const SECRET = "s3cret";
const TTL_MS = 60_000;
const body = JSON.stringify({ action: "opened", number: 7 });
const signature = signWebhook(SECRET, body);

/** A colony with a webhook on /hooks/github and an api trigger, served by one TriggerService. */
async function setUp(options: Partial<TriggerServiceOptions> = {}) {
  const time = new ManualTime();
  const db = await openDatabase({ clock: time });
  await createColony(db.events);
  const spawn = recordingSpawn(db.events);
  const service = new TriggerService({
    store: db.events,
    colonyId: COLONY_ID,
    spawn: spawn.spawn,
    clock: time,
    timers: time,
    ids: sequentialIds("a"),
    secrets: (ref) => (ref === "GITHUB_SECRET" ? SECRET : undefined),
    idempotencyTtlMs: TTL_MS,
    ...options,
  });
  await service.registerTrigger({
    triggerId: "github",
    config: { kind: "webhook", route: "/hooks/github", secretRef: "GITHUB_SECRET" },
    task: "triage the pull request",
  });
  await service.registerTrigger({ triggerId: "api", config: { kind: "api" }, task: "answer" });
  return { time, db, spawn, service };
}

const delivery = (idempotencyKey: string | null) => ({
  route: "/hooks/github",
  rawBody: body,
  signatureHeader: signature,
  idempotencyKey,
});

describe("idempotency keys", () => {
  it("a webhook retried with the same key gets the first firing's worker: one worker, one firing, one key", async () => {
    const { db, spawn, service } = await setUp();
    const first = await service.fireWebhook(delivery("delivery-1"));
    const second = await service.fireWebhook(delivery("delivery-1"));
    const third = await service.fireWebhook(delivery("delivery-1"));

    expect(first.outcome).toBe("spawned");
    expect(second).toEqual({ outcome: "replayed", workerId: first.workerId, firingId: first.firingId });
    expect(third).toEqual(second);
    expect(spawn.started).toEqual([first.workerId]);
    expect(spawn.calls).toHaveLength(1);
    const fired = await eventsOfType(db.events, "TriggerFired");
    expect(fired.map((e) => e.data)).toEqual([
      expect.objectContaining({ workerId: first.workerId, firingId: first.firingId, idempotencyKey: "delivery-1" }),
    ]);
    const key = await readStream(db.events, idempotencyStreamId(COLONY_ID, "delivery-1"));
    expect(key.map((e) => [e.version, e.type, e.data])).toEqual([
      [
        0n,
        "IdempotencyKeyRecorded",
        {
          scope: COLONY_ID,
          key: "delivery-1",
          result: { kind: "worker", id: first.workerId },
          expiresAt: "2025-01-01T00:01:00.000Z",
        },
      ],
    ]);
    // The key and the firing were one append: adjacent positions, same correlation (the firing id).
    expect(key[0]?.position).toBe((fired[0]?.position ?? 0n) + 1n);
    expect(key[0]?.metadata.correlationId).toBe(first.firingId);

    await db.runner.catchUp();
    const rows = await db.readModels.selectFrom("idempotency_keys").selectAll().execute();
    expect(rows).toEqual([expect.objectContaining({ key: "delivery-1", result_id: first.workerId })]);
  });

  it("different keys fire separately", async () => {
    const { spawn, service } = await setUp();
    const a = await service.fireWebhook(delivery("delivery-1"));
    const b = await service.fireWebhook(delivery("delivery-2"));
    const c = await service.fireWebhook(delivery(null));
    expect(new Set([a.workerId, b.workerId, c.workerId]).size).toBe(3);
    expect(spawn.started).toHaveLength(3);
  });

  it("concurrent retries in one process: exactly one spawns, all answer with its worker", async () => {
    const { db, spawn, service } = await setUp();
    const results = await Promise.all(Array.from({ length: 10 }, () => service.fireWebhook(delivery("delivery-1"))));

    const workerIds = new Set(results.map((r) => r.workerId));
    expect(workerIds.size).toBe(1);
    expect(results.filter((r) => r.outcome === "spawned")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "replayed")).toHaveLength(9);
    expect(spawn.calls).toHaveLength(1);
    expect(spawn.started).toEqual([...workerIds]);
    expect(await eventsOfType(db.events, "TriggerFired")).toHaveLength(1);
    expect(await eventsOfType(db.events, "IdempotencyKeyRecorded")).toHaveLength(1);
  });

  it("concurrent retries from two processes on one file: the log lets one fire, one worker starts", async () => {
    const { db, time, spawn, service } = await setUp();
    // A second connection with its own service and spawn: nothing shared in memory.
    const other = await openColonyDatabase(db.file, { clock: time, warn: () => {} });
    try {
      const otherSpawn = recordingSpawn(other.events);
      const otherService = new TriggerService({
        store: other.events,
        colonyId: COLONY_ID,
        spawn: otherSpawn.spawn,
        clock: time,
        timers: time,
        ids: sequentialIds("b"),
        secrets: () => SECRET,
        idempotencyTtlMs: TTL_MS,
      });
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? otherService : service).fireWebhook(delivery("delivery-1"))),
      );

      expect(new Set(results.map((r) => r.workerId)).size).toBe(1);
      expect(results.filter((r) => r.outcome === "spawned")).toHaveLength(1);
      expect([...spawn.started, ...otherSpawn.started]).toEqual([results[0]?.workerId]);
      expect(await eventsOfType(db.events, "TriggerFired")).toHaveLength(1);
      expect(await eventsOfType(db.events, "WorkerSpawned")).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it("an expired key fires again, as a new generation of the key's stream", async () => {
    const { db, time, spawn, service } = await setUp();
    const first = await service.fireWebhook(delivery("delivery-1"));
    await time.advance(TTL_MS - 1);
    expect((await service.fireWebhook(delivery("delivery-1"))).outcome).toBe("replayed");

    await time.advance(1);
    const again = await service.fireWebhook(delivery("delivery-1"));
    expect(again.outcome).toBe("spawned");
    expect(again.workerId).not.toBe(first.workerId);
    // The new generation answers retries from now on.
    expect(await service.fireWebhook(delivery("delivery-1"))).toEqual({ ...again, outcome: "replayed" });

    expect(spawn.started).toEqual([first.workerId, again.workerId]);
    const key = await readStream(db.events, idempotencyStreamId(COLONY_ID, "delivery-1"));
    expect(key.map((e) => [e.version, (e.data as { result: { id: string } }).result.id])).toEqual([
      [0n, first.workerId],
      [1n, again.workerId],
    ]);
    await db.runner.catchUp();
    const rows = await db.readModels.selectFrom("idempotency_keys").selectAll().execute();
    expect(rows.map((r) => [r.result_id, r.expires_at])).toEqual([[again.workerId, "2025-01-01T00:02:00.000Z"]]);
  });

  it("concurrent retries of an expired key: exactly one records the next generation", async () => {
    const { db, time, spawn, service } = await setUp();
    await service.fireWebhook(delivery("delivery-1"));
    await time.advance(TTL_MS);
    const results = await Promise.all(Array.from({ length: 6 }, () => service.fireWebhook(delivery("delivery-1"))));
    expect(new Set(results.map((r) => r.workerId)).size).toBe(1);
    expect(results.filter((r) => r.outcome === "spawned")).toHaveLength(1);
    expect(spawn.started).toHaveLength(2);
    expect(await readStream(db.events, idempotencyStreamId(COLONY_ID, "delivery-1"))).toHaveLength(2);
  });

  it("a crash between recording the key and spawning: the retry starts the recorded worker, once", async () => {
    const { db, time, service } = await setUp({
      spawn: async () => {
        throw new Error("process killed before the worker started");
      },
    });
    await expect(service.fireWebhook(delivery("delivery-1"))).rejects.toThrow(/killed/);
    const fired = await eventsOfType(db.events, "TriggerFired");
    expect(fired).toHaveLength(1);
    const recordedWorker = (fired[0]?.data as { workerId: string } | undefined)?.workerId;
    expect(await eventsOfType(db.events, "WorkerSpawned")).toEqual([]);

    // The process restarts: a new service (and spawn) over the same file. The sender retries.
    const restarted = await openColonyDatabase(db.file, { clock: time, warn: () => {} });
    try {
      const spawn = recordingSpawn(restarted.events);
      const service2 = new TriggerService({
        store: restarted.events,
        colonyId: COLONY_ID,
        spawn: spawn.spawn,
        clock: time,
        timers: time,
        ids: sequentialIds("restarted"),
        secrets: () => SECRET,
        idempotencyTtlMs: TTL_MS,
      });
      const retries = await Promise.all([
        service2.fireWebhook(delivery("delivery-1")),
        service2.fireWebhook(delivery("delivery-1")),
      ]);
      expect(retries.map((r) => [r.outcome, r.workerId])).toEqual([
        ["recovered", recordedWorker],
        ["recovered", recordedWorker],
      ]);
      expect(spawn.calls).toHaveLength(1);
      // The recovered firing is the recorded one: same ids, same input, the trigger's task.
      expect(spawn.calls[0]).toEqual(
        expect.objectContaining({
          firingId: retries[0]?.firingId,
          workerId: recordedWorker,
          task: "triage the pull request",
          idempotencyKey: "delivery-1",
          inputData: { event: { source: "webhook", route: "/hooks/github", body: JSON.parse(body) } },
        }),
      );
      expect((await service2.fireWebhook(delivery("delivery-1"))).outcome).toBe("replayed");
      expect(spawn.calls).toHaveLength(1);
      expect(await eventsOfType(restarted.events, "TriggerFired")).toHaveLength(1);
      expect((await eventsOfType(restarted.events, "WorkerSpawned")).map((e) => e.streamId)).toEqual([
        `worker-${recordedWorker}`,
      ]);
    } finally {
      await restarted.close();
    }
  });

  it("a crash after the worker started but before the answer: the retry finds the worker and starts nothing", async () => {
    let crash = true;
    const { db, service } = await setUp();
    const real = recordingSpawn(db.events);
    const crashingAfterSpawn: SpawnWorker = async (firing) => {
      const result = await real.spawn(firing);
      if (crash) throw new Error("process killed after WorkerSpawned");
      return result;
    };
    // Another process: its own clock, serving as its timers too.
    const otherTime = new ManualTime();
    const service2 = new TriggerService({
      store: db.events,
      colonyId: COLONY_ID,
      spawn: crashingAfterSpawn,
      clock: otherTime,
      timers: otherTime,
      ids: sequentialIds("c"),
      secrets: () => SECRET,
      idempotencyTtlMs: TTL_MS,
    });
    await expect(service2.fireWebhook(delivery("delivery-1"))).rejects.toThrow(/killed/);
    crash = false;
    const retry = await service.fireWebhook(delivery("delivery-1"));
    expect(retry.outcome).toBe("replayed");
    expect(real.calls).toHaveLength(1);
    expect(await eventsOfType(db.events, "WorkerSpawned")).toHaveLength(1);
  });

  it("a refused firing records no key: the same key fires once the refusal is lifted", async () => {
    const { db, spawn, service } = await setUp();
    await service.registerTrigger({
      triggerId: "tick",
      config: { kind: "timer", intervalSeconds: 60, runImmediately: false },
      task: "tick",
    });
    await service.pauseTimers("maintenance");
    const head = await db.events.headPosition();
    await expect(service.fire("tick", { idempotencyKey: "run-1" })).rejects.toMatchObject({ code: "timers_paused" });
    await expect(service.fire("tick", { idempotencyKey: "run-1" })).rejects.toBeInstanceOf(CommandRefusedError);
    expect(await db.events.headPosition()).toBe(head);

    await service.resumeTimers();
    expect((await service.fire("tick", { idempotencyKey: "run-1" })).outcome).toBe("spawned");
    expect(spawn.started).toHaveLength(1);
  });

  it("keys are per colony and any text: a key with spaces and slashes names a valid stream", async () => {
    const { spawn, service } = await setUp();
    const key = "POST /hooks/github 2025-01-01 #1 ✓";
    const a = await service.fire("api", { idempotencyKey: key, inputData: { q: 1 } });
    const b = await service.fire("api", { idempotencyKey: key, inputData: { q: 1 } });
    expect(b).toEqual({ ...a, outcome: "replayed" });
    expect(spawn.started).toHaveLength(1);
    expect(idempotencyStreamId(COLONY_ID, key)).toMatch(/^idempotency-c1-[A-Za-z0-9_-]{43}$/);
    expect(idempotencyStreamId("x".repeat(200), key)).toMatch(/^idempotency-[A-Za-z0-9_-]{43}$/);
  });
});

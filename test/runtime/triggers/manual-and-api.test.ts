import { describe, expect, it } from "vitest";
import { openColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import { InvalidCommandError } from "../../../src/domain/deciders/refusal.js";
import { TriggerService } from "../../../src/runtime/triggers/trigger-service.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { ManualTime } from "../../support/manual-time.js";
import { recordingSpawn } from "../../support/recording-spawn.js";
import { COLONY_ID, createColony, eventsOfType, sequentialIds } from "../../support/trigger-colony.js";

const openDatabase = colonyDatabases();

async function setUp() {
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
    ids: sequentialIds(),
  });
  await service.registerTrigger({ triggerId: "run-report", config: { kind: "manual" }, task: "write the report" });
  await service.registerTrigger({
    triggerId: "on-order",
    config: { kind: "api" },
    task: "process the order",
    maxConcurrent: 4,
    maxResurrections: 2,
  });
  return { db, spawn, service };
}

/** The same colony served by a second service on its own connection to the file, as another process would. */
async function setUpWithSecondProcess() {
  const fixture = await setUp();
  const connection = await openColonyDatabase(fixture.db.file, { warn: () => {} });
  const spawn = recordingSpawn(connection.events);
  // Another process: its own clock, serving as its timers too.
  const otherTime = new ManualTime();
  const service = new TriggerService({
    store: connection.events,
    colonyId: COLONY_ID,
    spawn: spawn.spawn,
    clock: otherTime,
    timers: otherTime,
    ids: sequentialIds("other"),
  });
  const other = Object.assign(service, { started: spawn.started, close: () => connection.close() });
  return { ...fixture, other };
}

describe("manual and api triggers", () => {
  it("each firing appends TriggerFired with its input and starts a worker with the trigger's task", async () => {
    const { db, spawn, service } = await setUp();
    const manual = await service.fire("run-report", { inputData: { period: "2024-Q4" } });
    const api = await service.fire("on-order", { inputData: { orderId: 42, lines: [{ sku: "a", qty: 2 }] } });

    const fired = await eventsOfType(db.events, "TriggerFired");
    expect(fired.map((e) => e.data)).toEqual([
      {
        triggerId: "run-report",
        firingId: manual.firingId,
        workerId: manual.workerId,
        inputData: { period: "2024-Q4" },
        idempotencyKey: null,
      },
      {
        triggerId: "on-order",
        firingId: api.firingId,
        workerId: api.workerId,
        inputData: { orderId: 42, lines: [{ sku: "a", qty: 2 }] },
        idempotencyKey: null,
      },
    ]);
    expect(spawn.calls.map((f) => [f.kind, f.task, f.maxConcurrent, f.maxResurrections])).toEqual([
      ["manual", "write the report", 1, 0],
      ["api", "process the order", 4, 2],
    ]);
    expect(spawn.started).toEqual([manual.workerId, api.workerId]);
    // The correlation id ties the firing to whatever its worker appends under the same firing.
    expect(fired.map((e) => e.metadata.correlationId)).toEqual([manual.firingId, api.firingId]);
  });

  it("a burst of concurrent firings all fire: the service writes its colony's stream one command at a time", async () => {
    const { db, spawn, service, other } = await setUpWithSecondProcess();
    try {
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (i % 3 === 0 ? other : service).fire("on-order", { inputData: { orderId: i }, idempotencyKey: `order-${i}` }),
        ),
      );
      expect(results.every((r) => r.outcome === "spawned")).toBe(true);
      expect(new Set(results.map((r) => r.workerId)).size).toBe(60);
      expect(await eventsOfType(db.events, "TriggerFired")).toHaveLength(60);
      expect(spawn.started.length + other.started.length).toBe(60);
    } finally {
      await other.close();
    }
  });

  it("the triggers read model counts the firings", async () => {
    const { db, service } = await setUp();
    await service.fire("on-order", { inputData: { orderId: 1 } });
    await service.fire("on-order", { inputData: { orderId: 2 } });
    await db.runner.catchUp();
    const rows = await db.readModels.selectFrom("triggers").select(["id", "fire_count"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: "on-order", fire_count: 2 },
      { id: "run-report", fire_count: 0 },
    ]);
  });

  it("an unknown trigger, a removed one, or input that is not JSON is refused with nothing appended", async () => {
    const { db, spawn, service } = await setUp();
    await service.removeTrigger("run-report");
    const head = await db.events.headPosition();
    await expect(service.fire("nope")).rejects.toMatchObject({ code: "unknown_trigger" });
    await expect(service.fire("run-report")).rejects.toMatchObject({ code: "unknown_trigger" });
    await expect(
      service.fire("on-order", { inputData: { when: new Date() as unknown as string } }),
    ).rejects.toBeInstanceOf(InvalidCommandError);
    await expect(service.fire("on-order", { idempotencyKey: "" })).rejects.toBeInstanceOf(InvalidCommandError);
    expect(await db.events.headPosition()).toBe(head);
    expect(spawn.calls).toEqual([]);
  });

  it("a spawn that starts the worker under another id is a contract error, not a silent second worker", async () => {
    const time = new ManualTime();
    const db = await openDatabase({ clock: time });
    await createColony(db.events);
    const service = new TriggerService({
      store: db.events,
      colonyId: COLONY_ID,
      spawn: async () => ({ workerId: "someone-else" }),
      clock: time,
      timers: time,
      ids: sequentialIds(),
    });
    await service.registerTrigger({ triggerId: "api", config: { kind: "api" }, task: "t" });
    await expect(service.fire("api", { idempotencyKey: "k" })).rejects.toMatchObject({
      code: "spawn_contract_violated",
    });
  });

  it("registering an invalid trigger names the field and appends nothing", async () => {
    const { db, service } = await setUp();
    const head = await db.events.headPosition();
    await expect(
      service.registerTrigger({
        triggerId: "bad",
        config: { kind: "timer", intervalSeconds: 0, runImmediately: false },
        task: "t",
      }),
    ).rejects.toThrow(/config\.intervalSeconds/);
    expect(await db.events.headPosition()).toBe(head);
  });
});

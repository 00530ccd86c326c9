import { describe, expect, it } from "vitest";
import type { SpawnWorker } from "../../../src/runtime/triggers/firing.js";
import {
  type TimerSkip,
  TriggerService,
  type TriggerServiceOptions,
} from "../../../src/runtime/triggers/trigger-service.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { ManualTime } from "../../support/manual-time.js";
import { recordingSpawn } from "../../support/recording-spawn.js";
import { COLONY_ID, createColony, eventsOfType, sequentialIds } from "../../support/trigger-colony.js";

const openDatabase = colonyDatabases();
const MINUTE = 60_000;

async function setUp(options: Partial<TriggerServiceOptions> = {}) {
  const time = new ManualTime();
  const db = await openDatabase({ clock: time });
  await createColony(db.events);
  const spawn = recordingSpawn(db.events);
  let busy = false;
  const skips: TimerSkip[] = [];
  const service = new TriggerService({
    store: db.events,
    colonyId: COLONY_ID,
    spawn: spawn.spawn,
    clock: time,
    timers: time,
    ids: sequentialIds(),
    isBusy: () => busy,
    onTimerSkipped: (skip) => skips.push(skip),
    ...options,
  });
  const fired = async () => (await eventsOfType(db.events, "TriggerFired")).length;
  return {
    time,
    db,
    spawn,
    service,
    skips,
    fired,
    setBusy: (value: boolean) => {
      busy = value;
    },
  };
}

const everyMinute = (runImmediately = false) => ({
  triggerId: "tick",
  config: { kind: "timer" as const, intervalSeconds: 60, runImmediately },
  task: "look around",
});

describe("timer triggers", () => {
  it("fire once per interval, each firing a TriggerFired and a worker", async () => {
    const { time, db, spawn, service, fired } = await setUp();
    await service.registerTrigger(everyMinute());
    await service.start();

    await time.advance(MINUTE - 1);
    expect(await fired()).toBe(0);
    await time.advance(1);
    expect(await fired()).toBe(1);
    await time.advance(2 * MINUTE);
    expect(await fired()).toBe(3);

    const events = await eventsOfType(db.events, "TriggerFired");
    expect(events.map((e) => e.metadata.recordedAt)).toEqual([
      "2025-01-01T00:01:00.000Z",
      "2025-01-01T00:02:00.000Z",
      "2025-01-01T00:03:00.000Z",
    ]);
    expect(events[0]?.data).toMatchObject({
      triggerId: "tick",
      inputData: { event: { source: "timer", reason: "scheduled" } },
      idempotencyKey: null,
    });
    expect(spawn.started).toHaveLength(3);
    expect(service.timerStats("tick")).toEqual({ fired: 3, skippedBusy: 0, skippedPaused: 0, failed: 0 });
  });

  it("run immediately: the first tick comes at start, then every interval", async () => {
    const { time, service, fired } = await setUp();
    await service.registerTrigger(everyMinute(true));
    await service.start();
    await time.runDue();
    expect(await fired()).toBe(1);
    await time.advance(MINUTE);
    expect(await fired()).toBe(2);
  });

  it("timers registered after start and timers already in the log both run", async () => {
    const { time, db, service, fired } = await setUp();
    await service.registerTrigger(everyMinute());
    // start() finds "tick" in the log; "tock" is registered while running.
    await service.start();
    await service.registerTrigger({ ...everyMinute(), triggerId: "tock" });
    await time.advance(MINUTE);
    expect(
      (await eventsOfType(db.events, "TriggerFired")).map((e) => (e.data as { triggerId: string }).triggerId),
    ).toEqual(["tick", "tock"]);
    expect(await fired()).toBe(2);
  });

  it("paused timers skip their ticks (counted, nothing appended); resumed ones fire again; other kinds fire meanwhile", async () => {
    const { time, db, service, fired, skips } = await setUp();
    await service.registerTrigger(everyMinute());
    await service.registerTrigger({ triggerId: "manual", config: { kind: "manual" }, task: "now" });
    await service.start();
    await time.advance(MINUTE);
    expect(await fired()).toBe(1);

    await service.pauseTimers("deploying");
    const head = await db.events.headPosition();
    await time.advance(3 * MINUTE);
    expect(await db.events.headPosition()).toBe(head);
    expect(service.timerStats("tick")).toMatchObject({ fired: 1, skippedPaused: 3 });
    expect(skips.map((s) => [s.reason, s.at.toISOString()])).toEqual([
      ["paused", "2025-01-01T00:02:00.000Z"],
      ["paused", "2025-01-01T00:03:00.000Z"],
      ["paused", "2025-01-01T00:04:00.000Z"],
    ]);
    // Pausing stops the clock, not people.
    expect((await service.fire("manual")).outcome).toBe("spawned");

    await service.resumeTimers();
    await time.advance(MINUTE);
    expect(service.timerStats("tick")).toMatchObject({ fired: 2, skippedPaused: 3 });
    expect((await eventsOfType(db.events, "TimersPaused")).map((e) => e.data)).toEqual([{ reason: "deploying" }]);
    expect(await eventsOfType(db.events, "TimersResumed")).toHaveLength(1);
  });

  it("a tick while the colony is busy is skipped (counted and reported, not appended); the next idle tick fires", async () => {
    const { time, db, spawn, service, fired, skips, setBusy } = await setUp();
    await service.registerTrigger(everyMinute());
    await service.start();
    setBusy(true);
    const head = await db.events.headPosition();
    await time.advance(2 * MINUTE);
    expect(await db.events.headPosition()).toBe(head);
    expect(spawn.calls).toEqual([]);
    expect(skips.map((s) => s.reason)).toEqual(["busy", "busy"]);

    setBusy(false);
    await time.advance(MINUTE);
    expect(await fired()).toBe(1);
    expect(service.timerStats("tick")).toEqual({ fired: 1, skippedBusy: 2, skippedPaused: 0, failed: 0 });
  });

  it("a failed firing is counted and reported, and the timer keeps its schedule", async () => {
    let failures = 1;
    const errors: unknown[] = [];
    const { time, service } = await setUp({
      onTimerError: (_id, error) => errors.push(error),
      spawn: (async (firing) => {
        if (failures-- > 0) throw new Error("no capacity");
        return { workerId: firing.workerId };
      }) satisfies SpawnWorker,
    });
    await service.registerTrigger(everyMinute());
    await service.start();
    await time.advance(2 * MINUTE);
    expect(errors).toEqual([new Error("no capacity")]);
    expect(service.timerStats("tick")).toMatchObject({ fired: 1, failed: 1 });
  });

  it("removing the trigger stops its clock; stop() stops them all", async () => {
    const { time, service, fired } = await setUp();
    await service.registerTrigger(everyMinute());
    await service.registerTrigger({ ...everyMinute(), triggerId: "tock" });
    await service.start();
    await time.advance(MINUTE);
    expect(await fired()).toBe(2);

    await service.removeTrigger("tock");
    await time.advance(MINUTE);
    expect(await fired()).toBe(3);

    await service.stop();
    expect(time.pending).toBe(0);
    await time.advance(10 * MINUTE);
    expect(await fired()).toBe(3);
  });

  it("a timer removed by another process stops at its next tick", async () => {
    const { time, db, spawn, service, fired } = await setUp();
    await service.registerTrigger(everyMinute());
    await service.start();
    const elsewhere = new TriggerService({
      store: db.events,
      colonyId: COLONY_ID,
      spawn: spawn.spawn,
      clock: time,
      timers: time,
      ids: sequentialIds("elsewhere"),
    });
    await elsewhere.removeTrigger("tick");
    await time.advance(MINUTE);
    expect(await fired()).toBe(0);
    expect(time.pending).toBe(0);
  });
});

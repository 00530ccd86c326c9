import { describe, expect, it } from "vitest";
import { workerDecider } from "../../../src/domain/deciders/worker.js";
import type { Timers } from "../../../src/domain/ports/timers.js";
import type { ColonyRuntime, WorkerBrain } from "../../../src/runtime/colony/index.js";
import { EMPTY_PROFILE } from "../../../src/runtime/colony/options.js";
import { handleCommand } from "../../../src/runtime/command-handler.js";
import {
  Brains,
  type ColonyFixture,
  colonyFixtures,
  deferred,
  workerEvents,
  workerEventTypes,
} from "../../support/colony-runtime.js";

const fixtures = colonyFixtures();
const COOLDOWN = 30_000;
const INTERRUPTED = "interrupted: the process running the worker ended before it reported";

interface Crashed {
  readonly fixture: ColonyFixture;
  readonly ids: { overseer: string; a: string; b: string; c: string; e: string };
}

/**
 * A process that dies with, in the log: an overseer and worker `a` running, `c` crashed and
 * cooling down, `b` queued behind the cap of 2, and `e` stopped but not yet reported (written
 * by hand, as if the process died between the two appends). Then 10 s pass.
 */
async function crashedColony(): Promise<Crashed> {
  const cooling = deferred<void>();
  // The dying process's timers never fire; the first one scheduled is c's cooldown.
  const dead: Timers = {
    schedule: () => {
      cooling.resolve();
      return { cancel() {} };
    },
  };
  const fixture = await fixtures.open({ maxConcurrentWorkers: 2, resurrectionCooldownMs: COOLDOWN, timers: dead });
  const { runtime, db, time } = fixture;
  fixtures.abandon(runtime);
  const brains = new Brains();
  const overseer = await runtime.startOverseer({
    brain: async (ctx) => {
      await ctx.waitForInput();
      return never();
    },
  });
  const [a, c, b] = (await runtime.spawnBatch([
    { task: "a", brain: brains.brain },
    { task: "c", brain: async () => Promise.reject(new Error("crash 1")) },
    { task: "b", brain: brains.brain },
  ])) as [string, string, string];
  await brains.untilStarted("a");
  await cooling.promise;
  const e = "e-by-hand";
  const spawn = {
    workerId: e,
    colonyId: "c1",
    parentSessionId: null,
    task: "e",
    inputData: {},
    profile: EMPTY_PROFILE,
    conversationId: "k-e",
    persistent: false,
    batchId: null,
    batchIndex: null,
  };
  await handleCommand(db.events, workerDecider, `worker-${e}`, { type: "SpawnWorker", ...spawn });
  await handleCommand(db.events, workerDecider, `worker-${e}`, { type: "StartWorker" });
  await handleCommand(db.events, workerDecider, `worker-${e}`, { type: "StopWorker", reason: "by hand" });
  expect(await workerEventTypes(db.events, c)).toEqual(["WorkerSpawned", "WorkerStarted", "WorkerFailed"]);
  expect(await workerEventTypes(db.events, b)).toEqual(["WorkerSpawned", "WorkerQueued"]);
  await time.advance(10_000);
  return { fixture, ids: { overseer, a, b, c, e } };
}

function never(): Promise<never> {
  return new Promise(() => {});
}

async function restart(fixture: ColonyFixture, restoreBrain?: (persistent: boolean) => WorkerBrain) {
  const db = await fixtures.reopen(fixture.file, fixture.time);
  const runtime: ColonyRuntime = await fixtures.openRuntime(db, fixture.time, {
    maxConcurrentWorkers: 2,
    resurrectionCooldownMs: COOLDOWN,
    ...(restoreBrain ? { restoreBrain: (w) => restoreBrain(w.persistent) } : {}),
  });
  return { db, runtime };
}

describe("colony runtime: recovery when opened on a log a dead process left", () => {
  it("without brains, reports every unfinished worker and leaves nothing running", async () => {
    const { fixture, ids } = await crashedColony();
    const { db, runtime } = await restart(fixture);
    expect(runtime.workers()).toEqual([]);
    expect(runtime.overseerId).toBeNull();
    expect(fixture.time.pending).toBe(0);

    const reports = await runtime.wait([ids.overseer, ids.a, ids.b, ids.c, ids.e]);
    expect(reports.map((r) => [r.status, r.error])).toEqual([
      ["failed", INTERRUPTED],
      ["failed", INTERRUPTED],
      ["failed", "interrupted"],
      ["failed", "crash 1"],
      ["stopped", null],
    ]);
    expect(await workerEvents(db.events, ids.a)).toEqual([
      expect.objectContaining({ type: "WorkerSpawned" }),
      { type: "WorkerStarted", data: { attempt: 1 } },
      { type: "WorkerFailed", data: { error: INTERRUPTED, fatal: false } },
      { type: "WorkerReported", data: expect.objectContaining({ status: "failed" }) },
    ]);
    expect(await workerEventTypes(db.events, ids.b)).toEqual([
      "WorkerSpawned",
      "WorkerQueued",
      "WorkerStopped",
      "WorkerReported",
    ]);
    expect(await workerEventTypes(db.events, ids.e)).toEqual([
      "WorkerSpawned",
      "WorkerStarted",
      "WorkerStopped",
      "WorkerReported",
    ]);

    // A further restart finds nothing left to do and writes nothing.
    const head = await db.events.headPosition();
    await fixtures.openRuntime(db, fixture.time);
    expect(await db.events.headPosition()).toBe(head);
  });

  it("with brains, resumes them: queued ones start, crashed ones come back after their cooldown", async () => {
    const { fixture, ids } = await crashedColony();
    const { time } = fixture;
    const brains = new Brains();
    const overseerInput = deferred<string[]>();
    const overseerBrain: WorkerBrain = async (ctx) => {
      overseerInput.resolve(await ctx.waitForInput());
      return { status: "success", summary: "overseer done" };
    };
    const { db, runtime } = await restart(fixture, (persistent) => (persistent ? overseerBrain : brains.brain));

    // b was only queued: it starts at once. The overseer and a (interrupted now) and c (crashed
    // 10 s ago) each wait out their cooldown from their logged failure.
    await brains.untilStarted("b");
    await time.untilPending(3);
    expect(brains.started).toEqual(["b"]);
    expect(runtime.overseerId).toBe(ids.overseer);
    expect(await runtime.startOverseer({ brain: overseerBrain })).toBe(ids.overseer);

    await time.advance(COOLDOWN - 10_000);
    await brains.untilStarted("c");
    expect(brains.started).toEqual(["b", "c"]);

    // a's cooldown ends with b and c holding both slots: a queues behind them.
    await time.advance(10_000);
    expect(runtime.inject(ids.overseer, "welcome back")).toBe(true);
    expect(await overseerInput.promise).toEqual(["welcome back"]);
    await runtime.wait([ids.overseer]);
    brains.finish("b");
    await brains.untilStarted("a");
    brains.finish("a");
    brains.finish("c");

    const reports = await runtime.wait([ids.a, ids.b, ids.c, ids.e]);
    expect(reports.map((r) => r.status)).toEqual(["success", "success", "success", "stopped"]);
    expect(await workerEvents(db.events, ids.a)).toEqual([
      expect.objectContaining({ type: "WorkerSpawned" }),
      { type: "WorkerStarted", data: { attempt: 1 } },
      { type: "WorkerFailed", data: { error: INTERRUPTED, fatal: false } },
      { type: "WorkerResurrected", data: { attempt: 2, reason: `crashed: ${INTERRUPTED}` } },
      { type: "WorkerQueued", data: expect.anything() },
      { type: "WorkerStarted", data: { attempt: 2 } },
      { type: "WorkerReported", data: expect.objectContaining({ status: "success" }) },
    ]);
    expect(await workerEventTypes(db.events, ids.b)).toEqual([
      "WorkerSpawned",
      "WorkerQueued",
      "WorkerStarted",
      "WorkerReported",
    ]);
    expect(await workerEventTypes(db.events, ids.c)).toEqual([
      "WorkerSpawned",
      "WorkerStarted",
      "WorkerFailed",
      "WorkerResurrected",
      "WorkerStarted",
      "WorkerReported",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { Brains, colonyFixtures, workerEvents, workerEventTypes } from "../../support/colony-runtime.js";

const fixtures = colonyFixtures();

describe("colony runtime: concurrency cap", () => {
  it("queues the excess and promotes it in spawn order as others finish", async () => {
    const { runtime, db } = await fixtures.open({ maxConcurrentWorkers: 2 });
    const brains = new Brains();
    const tasks = ["t1", "t2", "t3", "t4", "t5"];
    const ids = await runtime.spawnBatch(tasks.map((task) => ({ task, brain: brains.brain })));
    await brains.untilStarted("t1");
    await brains.untilStarted("t2");
    expect(brains.started).toEqual(["t1", "t2"]);
    expect(runtime.runningCount).toBe(2);
    expect(runtime.queuedIds).toEqual(ids.slice(2));
    for (const id of ids.slice(2)) {
      const events = await workerEvents(db.events, id);
      expect(events.map((e) => e.type)).toEqual(["WorkerSpawned", "WorkerQueued"]);
      expect(events[1]?.data).toEqual({ reason: "colony c1 is at its cap of 2 running workers" });
    }

    // Each finish frees one slot for the oldest queued worker, never two at once.
    brains.finish("t2");
    await brains.untilStarted("t3");
    expect(brains.started).toEqual(["t1", "t2", "t3"]);
    expect(runtime.queuedIds).toEqual(ids.slice(3));
    brains.finish("t1");
    await brains.untilStarted("t4");
    brains.finish("t3");
    await brains.untilStarted("t5");
    expect(brains.started).toEqual(tasks);
    brains.finish("t4");
    brains.finish("t5");

    const reports = await runtime.wait(ids);
    expect(reports.map((r) => r.status)).toEqual(["success", "success", "success", "success", "success"]);
    expect(runtime.runningCount).toBe(0);
    expect(await workerEventTypes(db.events, ids[4] as string)).toEqual([
      "WorkerSpawned",
      "WorkerQueued",
      "WorkerStarted",
      "WorkerReported",
    ]);
  });

  it("counts workers spawned one at a time against the same cap", async () => {
    const { runtime } = await fixtures.open({ maxConcurrentWorkers: 1 });
    const brains = new Brains();
    const first = await runtime.spawn({ task: "first", brain: brains.brain });
    const second = await runtime.spawn({ task: "second", brain: brains.brain });
    expect(runtime.queuedIds).toEqual([second]);
    brains.finish("first");
    await brains.untilStarted("second");
    brains.finish("second");
    expect((await runtime.wait([first, second])).map((r) => r.status)).toEqual(["success", "success"]);
  });

  it("gives queued workers stopped reports when they are stopped, and never starts them", async () => {
    const { runtime, db } = await fixtures.open({ maxConcurrentWorkers: 1 });
    const brains = new Brains();
    const ids = await runtime.spawnBatch(["run", "q1", "q2"].map((task) => ({ task, brain: brains.brain })));
    await brains.untilStarted("run");
    const [q1, q2] = [ids[1] as string, ids[2] as string];

    const stopped = await runtime.stop(q1, "not needed");
    expect(stopped).toMatchObject({ workerId: q1, status: "stopped", summary: "stopped: not needed" });
    expect(runtime.queuedIds).toEqual([q2]);

    const all = await runtime.stopAll();
    expect(all.map((r) => [r.workerId, r.status])).toEqual([
      [ids[0], "stopped"],
      [q2, "stopped"],
    ]);
    // Stopping the running one freed its slot, and nobody was left in the queue to take it.
    expect(brains.started).toEqual(["run"]);
    expect(runtime.queuedIds).toEqual([]);
    for (const id of [q1, q2]) {
      expect(await workerEventTypes(db.events, id)).toEqual([
        "WorkerSpawned",
        "WorkerQueued",
        "WorkerStopped",
        "WorkerReported",
      ]);
    }
    const reports = await runtime.wait(ids);
    expect(reports.map((r) => r.status)).toEqual(["stopped", "stopped", "stopped"]);
  });

  it("a deadline stops queued stragglers too, with timeout reports", async () => {
    const { runtime, db, time } = await fixtures.open({ maxConcurrentWorkers: 1 });
    const brains = new Brains();
    const ids = await runtime.spawnBatch(["run", "queued"].map((task) => ({ task, brain: brains.brain })));
    await brains.untilStarted("run");
    const waiting = runtime.wait(ids, { timeoutMs: 1_000 });
    await time.untilPending();
    await time.advance(1_000);
    expect((await waiting).map((r) => r.status)).toEqual(["timeout", "timeout"]);
    expect(brains.started).toEqual(["run"]);
    expect(await workerEventTypes(db.events, ids[1] as string)).toEqual([
      "WorkerSpawned",
      "WorkerQueued",
      "WorkerStopped",
      "WorkerReported",
    ]);
  });
});

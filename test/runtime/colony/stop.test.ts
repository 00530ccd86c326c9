import { describe, expect, it } from "vitest";
import type { WorkerBrain } from "../../../src/runtime/colony/index.js";
import { Brains, colonyFixtures, deferred, workerEvents, workerEventTypes } from "../../support/colony-runtime.js";

const fixtures = colonyFixtures();

describe("colony runtime: stop", () => {
  it("stops one running worker: its signal aborts and it reports stopped", async () => {
    const { runtime, db } = await fixtures.open();
    const brains = new Brains();
    const [a, b] = await runtime.spawnBatch(["a", "b"].map((task) => ({ task, brain: brains.brain })));
    await brains.untilStarted("a");
    const report = await runtime.stop(a as string, "changed my mind");
    expect(report).toMatchObject({ workerId: a, status: "stopped", summary: "stopped: changed my mind", error: null });
    expect(brains.signalOf("a")?.aborted).toBe(true);
    expect(brains.signalOf("b")?.aborted).toBe(false);
    expect(await workerEvents(db.events, a as string)).toEqual([
      expect.objectContaining({ type: "WorkerSpawned" }),
      { type: "WorkerStarted", data: { attempt: 1 } },
      { type: "WorkerStopped", data: { reason: "changed my mind" } },
      { type: "WorkerReported", data: expect.objectContaining({ status: "stopped" }) },
    ]);
    // The other worker runs on.
    brains.finish("b");
    expect((await runtime.wait([b as string]))[0]?.status).toBe("success");
  });

  it("ignores what a brain returns after it was stopped", async () => {
    const { runtime, db } = await fixtures.open();
    const release = deferred<void>();
    const started = deferred<void>();
    // A brain that does not listen to its signal and returns success anyway.
    const stubborn: WorkerBrain = async () => {
      started.resolve();
      await release.promise;
      return { status: "success", summary: "finished regardless" };
    };
    const id = await runtime.spawn({ task: "stubborn", brain: stubborn });
    await started.promise;
    const stopped = await runtime.stop(id);
    release.resolve();
    // A later worker sees the stop as the final word; wait returns the same report.
    expect(await runtime.wait([id])).toEqual([stopped]);
    expect(stopped?.status).toBe("stopped");
    expect(await workerEventTypes(db.events, id)).toEqual([
      "WorkerSpawned",
      "WorkerStarted",
      "WorkerStopped",
      "WorkerReported",
    ]);
  });

  it("stopping a finished worker returns its report and writes nothing", async () => {
    const { runtime, db } = await fixtures.open();
    const brains = new Brains();
    const id = await runtime.spawn({ task: "done", brain: brains.brain });
    brains.finish("done");
    const [report] = await runtime.wait([id]);
    const head = await db.events.headPosition();
    expect(await runtime.stop(id)).toEqual(report);
    expect(await runtime.stop("unknown")).toBeUndefined();
    expect(await db.events.headPosition()).toBe(head);
  });

  it("stop all stops every worker but the overseer unless asked", async () => {
    const { runtime, db } = await fixtures.open();
    const brains = new Brains();
    const overseer = await runtime.startOverseer({
      brain: async (ctx) => {
        await ctx.waitForInput();
        return { status: "success", summary: "overseer ended" };
      },
    });
    const ids = await runtime.spawnBatch(["a", "b", "c"].map((task) => ({ task, brain: brains.brain })));
    await Promise.all(["a", "b", "c"].map((t) => brains.untilStarted(t)));
    const reports = await runtime.stopAll({ reason: "shutting down" });
    expect(reports.map((r) => [r.workerId, r.status])).toEqual(ids.map((id) => [id, "stopped"]));
    expect(runtime.overseerId).toBe(overseer);
    expect(runtime.worker(overseer)?.status).toBe("running");

    const withOverseer = await runtime.stopAll({ includeOverseer: true });
    expect(withOverseer.map((r) => [r.workerId, r.status])).toEqual([[overseer, "stopped"]]);
    expect(runtime.overseerId).toBeNull();
    expect(await workerEventTypes(db.events, overseer)).toEqual([
      "WorkerSpawned",
      "WorkerStarted",
      "WorkerStopped",
      "WorkerReported",
    ]);
  });

  it("close stops everything, overseer and queued workers included, and refuses new work", async () => {
    const { runtime, db } = await fixtures.open({ maxConcurrentWorkers: 1 });
    const brains = new Brains();
    const overseer = await runtime.startOverseer({ brain: brains.brain, task: "oversee" });
    const ids = await runtime.spawnBatch(["run", "queued"].map((task) => ({ task, brain: brains.brain })));
    await brains.untilStarted("run");
    await runtime.close();
    const reports = await runtime.wait([overseer, ...ids]);
    expect(reports.map((r) => r.status)).toEqual(["stopped", "stopped", "stopped"]);
    expect(brains.started).toEqual(["oversee", "run"]);
    expect(await workerEventTypes(db.events, ids[1] as string)).toEqual([
      "WorkerSpawned",
      "WorkerQueued",
      "WorkerStopped",
      "WorkerReported",
    ]);
    expect(() => runtime.startOverseer({ brain: brains.brain })).toThrow(/closed/);
    await expect(runtime.spawn({ task: "late", brain: brains.brain })).rejects.toThrow(/closed/);
  });

  it("a spawn being written when close runs is stopped before its brain starts", async () => {
    const { runtime } = await fixtures.open();
    const brains = new Brains();
    const spawning = runtime.spawn({ task: "raced", brain: brains.brain });
    await runtime.close();
    const id = await spawning;
    expect((await runtime.wait([id]))[0]).toMatchObject({
      status: "stopped",
      summary: "stopped: the colony runtime closed",
    });
    expect(brains.started).toEqual([]);
  });
});

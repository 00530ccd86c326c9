import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/domain/errors.js";
import type { WorkerBrain } from "../../../src/runtime/colony/index.js";
import { Brains, colonyFixtures, success, workerEvents, workerEventTypes } from "../../support/colony-runtime.js";

const fixtures = colonyFixtures();

/** A brain that counts its runs and reports at once. */
function countingBrain(): { brain: WorkerBrain; runs: string[] } {
  const runs: string[] = [];
  return {
    runs,
    brain: async (context) => {
      runs.push(context.workerId);
      return success(`${context.task} done`);
    },
  };
}

describe("colony runtime: spawning under a chosen worker id", () => {
  it("spawns under the id given", async () => {
    const { runtime, db } = await fixtures.open();
    const brains = new Brains();
    const id = await runtime.spawn({ workerId: "firing-1.worker", task: "a", brain: brains.brain });
    expect(id).toBe("firing-1.worker");
    brains.finish("a");
    expect(await runtime.wait([id])).toMatchObject([{ workerId: id, status: "success" }]);
    expect(await workerEventTypes(db.events, id)).toEqual(["WorkerSpawned", "WorkerStarted", "WorkerReported"]);
  });

  it("spawning an id that exists returns it and starts nothing, whether the worker runs or has finished", async () => {
    const { runtime, db } = await fixtures.open();
    const brains = new Brains();
    const id = await runtime.spawn({ workerId: "w1", task: "a", brain: brains.brain });
    await brains.untilStarted("a");
    const second = countingBrain();

    // Still running.
    expect(await runtime.spawn({ workerId: "w1", task: "other", brain: second.brain })).toBe(id);
    brains.finish("a");
    await runtime.wait([id]);
    // Finished and reported.
    expect(await runtime.spawn({ workerId: "w1", task: "other", brain: second.brain })).toBe(id);

    expect(second.runs).toEqual([]);
    expect(brains.started).toEqual(["a"]);
    expect(await workerEventTypes(db.events, id)).toEqual(["WorkerSpawned", "WorkerStarted", "WorkerReported"]);
    expect(runtime.workers().map((w) => w.workerId)).toEqual([id]);
  });

  it("concurrent spawns of one id: one worker, every call answered with its id", async () => {
    const { runtime, db } = await fixtures.open();
    const counting = countingBrain();
    const ids = await Promise.all(
      Array.from({ length: 5 }, () => runtime.spawn({ workerId: "w1", task: "a", brain: counting.brain })),
    );
    expect(ids).toEqual(["w1", "w1", "w1", "w1", "w1"]);
    await runtime.wait(["w1"]);
    expect(counting.runs).toEqual(["w1"]);
    const spawns = (await workerEvents(db.events, "w1")).filter((e) => e.type === "WorkerSpawned");
    expect(spawns).toHaveLength(1);
  });

  it("a runtime opened after a restart finds the id in the log and starts nothing", async () => {
    const fixture = await fixtures.open();
    const counting = countingBrain();
    await fixture.runtime.spawn({ workerId: "w1", task: "a", brain: counting.brain });
    await fixture.runtime.wait(["w1"]);
    await fixture.runtime.close();
    // A fresh runtime holds nothing of w1 in memory: only the log knows it.
    const fresh = await fixture.openRuntime();
    expect(await fresh.spawn({ workerId: "w1", task: "a", brain: counting.brain })).toBe("w1");
    expect(counting.runs).toEqual(["w1"]);
    expect(await fresh.wait(["w1"])).toMatchObject([{ workerId: "w1", status: "success", summary: "a done" }]);
  });

  it("refuses an id that is not stream-safe, before anything is written", async () => {
    const { runtime, db } = await fixtures.open();
    const counting = countingBrain();
    for (const workerId of ["", "a/b", "has space", "x".repeat(201)]) {
      await expect(runtime.spawn({ workerId, task: "a", brain: counting.brain })).rejects.toThrow(
        /specs\[0\]\.workerId/,
      );
    }
    expect(await db.events.headPosition()).toBe(0n);
  });

  it("refuses an id naming another colony's worker", async () => {
    const fixture = await fixtures.open();
    const other = await fixture.openRuntime({ colonyId: "c2" });
    const counting = countingBrain();
    await other.spawn({ workerId: "w1", task: "theirs", brain: counting.brain });
    await other.wait(["w1"]);
    const before = await fixture.db.events.headPosition();
    const refused = fixture.runtime.spawn({ workerId: "w1", task: "mine", brain: counting.brain });
    await expect(refused).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(refused).rejects.toThrow(/another colony/);
    expect(await fixture.db.events.headPosition()).toBe(before);
    expect(counting.runs).toEqual(["w1"]);
  });

  describe("in a batch", () => {
    it("skips the ids that exist, spawns the rest in one batch, and answers every id in spec order", async () => {
      const { runtime, db } = await fixtures.open();
      const brains = new Brains();
      const earlier = await runtime.spawn({ workerId: "b", task: "earlier", brain: brains.brain });
      const ids = await runtime.spawnBatch([
        { workerId: "a", task: "a", brain: brains.brain },
        { workerId: "b", task: "b", brain: brains.brain },
        { task: "c", brain: brains.brain },
      ]);
      expect(ids[0]).toBe("a");
      expect(ids[1]).toBe(earlier);
      await brains.untilStarted("a");
      await brains.untilStarted("c");
      // b is the earlier worker: its stream has the one spawn, outside the batch.
      expect(await workerEventTypes(db.events, "b")).toEqual(["WorkerSpawned", "WorkerStarted"]);
      expect((await workerEvents(db.events, "b"))[0]?.data).toMatchObject({ task: "earlier", batchId: null });
      // The new ones share a batch id and keep their indexes in the specs.
      const facts = [];
      for (const id of [ids[0], ids[2]] as string[]) facts.push((await workerEvents(db.events, id))[0]?.data);
      expect(facts).toMatchObject([{ batchIndex: 0 }, { batchIndex: 2 }]);
      const [first, third] = facts as { batchId: string }[];
      expect(first?.batchId).toEqual(third?.batchId);
      for (const task of ["earlier", "a", "c"]) brains.finish(task);
      expect((await runtime.wait(ids)).map((r) => r.summary)).toEqual(["a done", "earlier done", "c done"]);
      expect(brains.started.sort()).toEqual(["a", "c", "earlier"]);
    });

    it("the same batch again writes nothing and returns the same ids", async () => {
      const { runtime, db } = await fixtures.open();
      const counting = countingBrain();
      const specs = ["x", "y", "z"].map((id) => ({ workerId: id, task: id, brain: counting.brain }));
      const first = await runtime.spawnBatch(specs);
      await runtime.wait(first);
      const head = await db.events.headPosition();
      expect(await runtime.spawnBatch(specs)).toEqual(first);
      expect(await db.events.headPosition()).toBe(head);
      expect(counting.runs.sort()).toEqual(["x", "y", "z"]);
    });

    it("concurrent overlapping batches: each id spawned once, every call answered in full", async () => {
      const { runtime, db } = await fixtures.open();
      const counting = countingBrain();
      const batch = (ids: string[]) =>
        runtime.spawnBatch(ids.map((id) => ({ workerId: id, task: id, brain: counting.brain })));
      const answers = await Promise.all([batch(["p", "q"]), batch(["q", "r"]), batch(["r", "p", "s"])]);
      expect(answers).toEqual([
        ["p", "q"],
        ["q", "r"],
        ["r", "p", "s"],
      ]);
      await runtime.wait(["p", "q", "r", "s"]);
      expect(counting.runs.sort()).toEqual(["p", "q", "r", "s"]);
      for (const id of ["p", "q", "r", "s"]) {
        expect(await workerEventTypes(db.events, id)).toEqual(["WorkerSpawned", "WorkerStarted", "WorkerReported"]);
      }
    });

    it("refuses two specs with one id before anything is written", async () => {
      const { runtime, db } = await fixtures.open();
      const counting = countingBrain();
      await expect(
        runtime.spawnBatch([
          { workerId: "d", task: "one", brain: counting.brain },
          { workerId: "d", task: "two", brain: counting.brain },
        ]),
      ).rejects.toThrow(/specs\[1\]\.workerId/);
      expect(await db.events.headPosition()).toBe(0n);
    });
  });
});

import { describe, expect, it } from "vitest";
import type { WorkerBrain } from "../../../src/runtime/colony/index.js";
import { colonyFixtures, type Deferred, deferred, workerEvents } from "../../support/colony-runtime.js";

const fixtures = colonyFixtures();

/**
 * A brain that takes turns: at each turn boundary it takes the injected input, then runs a step
 * that lasts until the test ends it. It records what each turn started with.
 */
function turnTaker(options: { persistent: boolean; turns?: number }) {
  const turns: string[][] = [];
  const steps: Deferred<void>[] = [];
  const stepStarted: Deferred<void>[] = [];
  const step = (n: number) => {
    while (steps.length <= n) {
      steps.push(deferred());
      stepStarted.push(deferred());
    }
    return { done: steps[n] as Deferred<void>, started: stepStarted[n] as Deferred<void> };
  };
  const brain: WorkerBrain = async (ctx) => {
    for (let n = 0; options.turns === undefined || n < options.turns; n++) {
      // The turn boundary: the overseer waits for input, a worker takes whatever is there.
      const input = options.persistent ? await ctx.waitForInput() : ctx.nextInput();
      if (ctx.signal.aborted) break;
      turns.push(input);
      step(n).started.resolve();
      await step(n).done.promise;
    }
    return { status: "success", summary: `took ${turns.length} turns`, data: turns };
  };
  return {
    brain,
    turns,
    untilStepStarted: (n: number) => step(n).started.promise,
    endStep: (n: number) => step(n).done.resolve(),
  };
}

describe("colony runtime: overseer", () => {
  it("starting it twice, even at once, returns the same one", async () => {
    const { runtime, db } = await fixtures.open();
    const overseer = turnTaker({ persistent: true });
    const [first, second] = await Promise.all([
      runtime.startOverseer({ brain: overseer.brain }),
      runtime.startOverseer({ brain: overseer.brain }),
    ]);
    const third = await runtime.startOverseer({ brain: overseer.brain });
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(runtime.overseerId).toBe(first);
    const spawned: unknown[] = [];
    for await (const event of db.events.readAll()) if (event.type === "WorkerSpawned") spawned.push(event.data);
    expect(spawned).toEqual([
      expect.objectContaining({ workerId: first, persistent: true, task: "oversee colony c1" }),
    ]);
  });

  it("does not take a slot under the cap", async () => {
    const { runtime } = await fixtures.open({ maxConcurrentWorkers: 1 });
    const overseer = turnTaker({ persistent: true });
    const worker = turnTaker({ persistent: false, turns: 1 });
    await runtime.startOverseer({ brain: overseer.brain });
    const id = await runtime.spawn({ task: "work", brain: worker.brain });
    expect(runtime.queuedIds).toEqual([]);
    await worker.untilStepStarted(0);
    worker.endStep(0);
    expect((await runtime.wait([id]))[0]?.status).toBe("success");
  });

  it("receives injected input at its next turn boundary, never mid-turn", async () => {
    const { runtime } = await fixtures.open();
    const overseer = turnTaker({ persistent: true });
    const id = await runtime.startOverseer({ brain: overseer.brain });

    expect(runtime.inject(id, "hello")).toBe(true);
    await overseer.untilStepStarted(0);
    // Injected while turn 0 runs: they wait for the boundary, and arrive together, in order.
    expect(runtime.inject(id, "one")).toBe(true);
    expect(runtime.inject(id, "two")).toBe(true);
    expect(overseer.turns).toEqual([["hello"]]);
    overseer.endStep(0);
    await overseer.untilStepStarted(1);
    expect(overseer.turns).toEqual([["hello"], ["one", "two"]]);
    overseer.endStep(1);

    // Stopping it wakes its wait for input; it is reported stopped, and inject then refuses.
    const report = await runtime.stop(id);
    expect(report?.status).toBe("stopped");
    expect(runtime.inject(id, "too late")).toBe(false);
  });

  it("once the overseer has finished, starting it again gives a new one", async () => {
    const { runtime } = await fixtures.open();
    const first = await runtime.startOverseer({
      brain: async () => ({ status: "success", summary: "done overseeing" }),
    });
    await runtime.wait([first]);
    expect(runtime.overseerId).toBeNull();
    const overseer = turnTaker({ persistent: true });
    const second = await runtime.startOverseer({ brain: overseer.brain });
    expect(second).not.toBe(first);
    expect(runtime.overseerId).toBe(second);
  });
});

describe("colony runtime: inject into a worker", () => {
  it("reaches a running worker, not only the overseer, at its next turn boundary", async () => {
    const { runtime, db } = await fixtures.open();
    const worker = turnTaker({ persistent: false, turns: 3 });
    const id = await runtime.spawn({ task: "three turns", brain: worker.brain });
    await worker.untilStepStarted(0);
    expect(runtime.inject(id, "mid-step 0")).toBe(true);
    // The step in progress did not see it.
    expect(worker.turns).toEqual([[]]);
    worker.endStep(0);
    await worker.untilStepStarted(1);
    worker.endStep(1);
    await worker.untilStepStarted(2);
    expect(runtime.inject(id, "mid-step 2")).toBe(true);
    worker.endStep(2);
    const [report] = await runtime.wait([id]);
    // "mid-step 2" arrived after the last boundary the brain took: it is never seen mid-step.
    expect(report?.data).toEqual([[], ["mid-step 0"], []]);
    expect((await workerEvents(db.events, id)).map((e) => e.type)).toEqual([
      "WorkerSpawned",
      "WorkerStarted",
      "WorkerReported",
    ]);
  });

  it("reaches a queued worker once it starts", async () => {
    const { runtime } = await fixtures.open({ maxConcurrentWorkers: 1 });
    const blocker = turnTaker({ persistent: false, turns: 1 });
    const queued = turnTaker({ persistent: false, turns: 1 });
    const first = await runtime.spawn({ task: "first", brain: blocker.brain });
    const second = await runtime.spawn({ task: "second", brain: queued.brain });
    expect(runtime.inject(second, "for later")).toBe(true);
    await blocker.untilStepStarted(0);
    blocker.endStep(0);
    await queued.untilStepStarted(0);
    queued.endStep(0);
    const reports = await runtime.wait([first, second]);
    expect(reports[1]?.data).toEqual([["for later"]]);
  });

  it("refuses unknown and finished workers", async () => {
    const { runtime } = await fixtures.open();
    const id = await runtime.spawn({ task: "quick", brain: async () => ({ status: "success", summary: "ok" }) });
    await runtime.wait([id]);
    expect(runtime.inject(id, "hello?")).toBe(false);
    expect(runtime.inject("nobody", "hello?")).toBe(false);
  });
});

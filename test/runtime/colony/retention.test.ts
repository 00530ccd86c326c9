import { describe, expect, it } from "vitest";
import { Brains, colonyFixtures, success } from "../../support/colony-runtime.js";

const fixtures = colonyFixtures();

describe("colony runtime: result retention", () => {
  it("keeps at most maxResults finished results in memory, dropping the oldest", async () => {
    const { runtime } = await fixtures.open({ maxResults: 2 });
    const brains = new Brains();
    const ids: string[] = [];
    for (const task of ["a", "b", "c"]) {
      const id = await runtime.spawn({ task, brain: brains.brain });
      brains.finish(task, success(`${task} done`));
      await runtime.wait([id]);
      ids.push(id);
    }
    const [a, b, c] = ids as [string, string, string];
    expect(runtime.result(a)).toBeUndefined();
    expect(runtime.worker(a)).toBeUndefined();
    expect(runtime.result(b)?.summary).toBe("b done");
    expect(runtime.result(c)?.summary).toBe("c done");
    expect(runtime.workers().map((w) => w.workerId)).toEqual([b, c]);
    // Memory forgot; the log did not.
    expect((await runtime.wait([a]))[0]).toMatchObject({ workerId: a, status: "success", summary: "a done" });
  });

  it("drops finished results older than maxResultAgeMs, and never live workers", async () => {
    const { runtime, time } = await fixtures.open({ maxResultAgeMs: 60_000 });
    const brains = new Brains();
    const a = await runtime.spawn({ task: "a", brain: brains.brain });
    const live = await runtime.spawn({ task: "live", brain: brains.brain });
    brains.finish("a");
    await runtime.wait([a]);
    await time.advance(30_000);
    const b = await runtime.spawn({ task: "b", brain: brains.brain });
    brains.finish("b");
    await runtime.wait([b]);

    await time.advance(30_000);
    // a finished exactly 60 s ago: still within the bound.
    expect(runtime.result(a)).toBeDefined();
    await time.advance(1);
    expect(runtime.result(a)).toBeUndefined();
    expect(runtime.result(b)).toBeDefined();
    await time.advance(30_000);
    expect(runtime.result(b)).toBeUndefined();
    // The live worker has been running for over 90 s of this clock and is still listed.
    expect(runtime.workers().map((w) => [w.workerId, w.status])).toEqual([[live, "running"]]);
  });
});

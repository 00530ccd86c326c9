import { describe, expect, it } from "vitest";
import { InvalidEventError } from "../../../src/domain/errors.js";
import { Brains, colonyFixtures, success, workerEvents, workerEventTypes } from "../../support/colony-runtime.js";

const fixtures = colonyFixtures();

describe("colony runtime: spawn and wait", () => {
  it("returns ids while the brains are still running, and logs spawn and start", async () => {
    const { runtime, db } = await fixtures.open();
    const brains = new Brains();
    const id = await runtime.spawn({ task: "a", brain: brains.brain, input: { url: "https://example.org" } });
    await brains.untilStarted("a");
    // The brain has not finished: the id came back before its report.
    expect(runtime.worker(id)).toMatchObject({ status: "running", report: null });
    const events = await workerEvents(db.events, id);
    expect(events).toEqual([
      {
        type: "WorkerSpawned",
        data: expect.objectContaining({
          workerId: id,
          colonyId: "c1",
          task: "a",
          inputData: { url: "https://example.org" },
          persistent: false,
          batchId: null,
          batchIndex: null,
        }),
      },
      { type: "WorkerStarted", data: { attempt: 1 } },
    ]);
    brains.finish("a", {
      status: "partial",
      summary: "half",
      data: { n: 1 },
      tokens: { inputTokens: 3, outputTokens: 4 },
    });
    const [report] = await runtime.wait([id]);
    expect(report).toMatchObject({
      workerId: id,
      status: "partial",
      summary: "half",
      data: { n: 1 },
      error: null,
      tokens: { inputTokens: 3, outputTokens: 4 },
    });
    const last = (await workerEvents(db.events, id)).at(-1);
    expect(last).toEqual({
      type: "WorkerReported",
      data: expect.objectContaining({ status: "partial", summary: "half" }),
    });
  });

  it("answers in input order whatever order the workers finish in", async () => {
    const { runtime, db } = await fixtures.open();
    const brains = new Brains();
    const ids = await runtime.spawnBatch(["a", "b", "c"].map((task) => ({ task, brain: brains.brain })));
    const waiting = runtime.wait(ids);
    for (const task of ["c", "a", "b"]) {
      await brains.untilStarted(task);
      brains.finish(task, success(`${task} done`, task));
    }
    const reports = await waiting;
    expect(reports.map((r) => [r.workerId, r.summary, r.data])).toEqual([
      [ids[0], "a done", "a"],
      [ids[1], "b done", "b"],
      [ids[2], "c done", "c"],
    ]);
    // The batch is one batch, indexed in spec order.
    const batchFacts: { batchId: string; batchIndex: number }[] = [];
    for (const id of ids) {
      const [spawned] = await workerEvents(db.events, id);
      batchFacts.push(spawned?.data as { batchId: string; batchIndex: number });
    }
    expect(new Set(batchFacts.map((f) => f.batchId)).size).toBe(1);
    expect(batchFacts.map((f) => f.batchIndex)).toEqual([0, 1, 2]);
  });

  it("reports unknown ids as failed, in their place", async () => {
    const { runtime } = await fixtures.open();
    const brains = new Brains();
    const id = await runtime.spawn({ task: "a", brain: brains.brain });
    brains.finish("a");
    const reports = await runtime.wait(["nope", id, "not an id!"]);
    expect(reports.map((r) => [r.workerId, r.status, r.error])).toEqual([
      ["nope", "failed", "no_such_worker"],
      [id, "success", null],
      ["not an id!", "failed", "no_such_worker"],
    ]);
  });

  it("does not answer for another colony's worker", async () => {
    const fixture = await fixtures.open();
    const other = await fixture.openRuntime({ colonyId: "c2" });
    const brains = new Brains();
    const id = await other.spawn({ task: "theirs", brain: brains.brain });
    brains.finish("theirs");
    await other.wait([id]);
    const [report] = await fixture.runtime.wait([id]);
    expect(report).toMatchObject({ workerId: id, status: "failed", error: "no_such_worker" });
  });

  it("at the deadline stops the stragglers and gives them timeout reports", async () => {
    const { runtime, db, time } = await fixtures.open();
    const brains = new Brains();
    const ids = await runtime.spawnBatch(["fast", "slow"].map((task) => ({ task, brain: brains.brain })));
    await brains.untilStarted("slow");
    brains.finish("fast");
    await runtime.wait([ids[0] as string]);
    const waiting = runtime.wait(ids, { timeoutMs: 5_000 });
    await time.untilPending();
    await time.advance(5_000);
    const [fast, slow] = await waiting;
    expect(fast).toMatchObject({ status: "success", summary: "fast done" });
    expect(slow).toMatchObject({ workerId: ids[1], status: "timeout", error: "timeout" });
    expect(brains.signalOf("slow")?.aborted).toBe(true);
    expect(brains.signalOf("fast")?.aborted).toBe(false);
    expect(await workerEventTypes(db.events, ids[1] as string)).toEqual([
      "WorkerSpawned",
      "WorkerStarted",
      "WorkerStopped",
      "WorkerReported",
    ]);
    const reported = (await workerEvents(db.events, ids[1] as string)).at(-1);
    expect(reported?.data).toMatchObject({ status: "timeout" });
    // Finishing the brain after its timeout changes nothing: the timeout is its report.
    brains.finish("slow");
    expect(await runtime.wait([ids[1] as string])).toEqual([slow]);
  });

  it("reads a report from the log when memory no longer holds it", async () => {
    const { runtime } = await fixtures.open({ maxResults: 0 });
    const brains = new Brains();
    const id = await runtime.spawn({ task: "a", brain: brains.brain });
    brains.finish("a", success("kept in the log", { k: 1 }));
    const [first] = await runtime.wait([id]);
    expect(runtime.result(id)).toBeUndefined();
    const [again] = await runtime.wait([id]);
    expect(again).toEqual(first);
    expect(again).toMatchObject({ summary: "kept in the log", data: { k: 1 } });
  });

  it("writes nothing for a batch with one invalid spec", async () => {
    const { runtime, db } = await fixtures.open();
    const brains = new Brains();
    const before = await db.events.headPosition();
    await expect(
      runtime.spawnBatch([
        { task: "ok", brain: brains.brain },
        // A function is not JSON: the store refuses the WorkerSpawned event.
        { task: "bad", brain: brains.brain, input: { f: (() => 1) as never } },
      ]),
    ).rejects.toBeInstanceOf(InvalidEventError);
    expect(await db.events.headPosition()).toBe(before);
    expect(brains.started).toEqual([]);
    expect(runtime.workers()).toEqual([]);
  });

  it("refuses a spec without a brain and a bad timeout before doing anything", async () => {
    const { runtime, db } = await fixtures.open();
    const brains = new Brains();
    await expect(
      runtime.spawnBatch([{ task: "ok", brain: brains.brain }, { task: "no brain" } as never]),
    ).rejects.toThrow(/specs\[1\]\.brain/);
    expect(await db.events.headPosition()).toBe(0n);
    await expect(runtime.wait(["x"], { timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
  });
});

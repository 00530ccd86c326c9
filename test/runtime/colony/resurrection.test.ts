import { describe, expect, it } from "vitest";
import { FatalWorkerError, type WorkerBrain } from "../../../src/runtime/colony/index.js";
import { Brains, colonyFixtures, workerEvents, workerEventTypes } from "../../support/colony-runtime.js";

const fixtures = colonyFixtures();
const COOLDOWN = 30_000;

/** A brain that crashes on the attempts listed and succeeds on the others; it records each attempt. */
function crashing(crashOn: (attempt: number) => boolean) {
  const attempts: number[] = [];
  const brain: WorkerBrain = async (ctx) => {
    attempts.push(ctx.attempt);
    if (crashOn(ctx.attempt)) throw new Error(`crash ${ctx.attempt}`);
    return { status: "success", summary: `made it on attempt ${ctx.attempt}` };
  };
  return { attempts, brain };
}

describe("colony runtime: resurrection", () => {
  it("waits out the cooldown before resurrecting, and gives up at the cap", async () => {
    const { runtime, db, time } = await fixtures.open({ maxResurrections: 2, resurrectionCooldownMs: COOLDOWN });
    const { attempts, brain } = crashing(() => true);
    const id = await runtime.spawn({ task: "flaky", brain });

    // The first crash is logged and the cooldown timer is set.
    await time.untilPending();
    expect(await workerEventTypes(db.events, id)).toEqual(["WorkerSpawned", "WorkerStarted", "WorkerFailed"]);
    await time.advance(COOLDOWN - 1);
    expect(attempts).toEqual([1]);
    expect(await workerEventTypes(db.events, id)).toEqual(["WorkerSpawned", "WorkerStarted", "WorkerFailed"]);
    await time.advance(1);

    await time.untilPending();
    expect(attempts).toEqual([1, 2]);
    await time.advance(COOLDOWN);

    const [report] = await runtime.wait([id]);
    expect(attempts).toEqual([1, 2, 3]);
    expect(report).toMatchObject({ status: "failed", error: "crash 3" });
    expect(report?.summary).toContain("no resurrection left (cap 2)");
    expect(time.pending).toBe(0);
    const events = await workerEvents(db.events, id);
    expect(events.map((e) => e.type)).toEqual([
      "WorkerSpawned",
      "WorkerStarted",
      "WorkerFailed",
      "WorkerResurrected",
      "WorkerStarted",
      "WorkerFailed",
      "WorkerResurrected",
      "WorkerStarted",
      "WorkerFailed",
      "WorkerReported",
    ]);
    expect(events[2]?.data).toEqual({ error: "crash 1", fatal: false });
    expect(events[3]?.data).toEqual({ attempt: 2, reason: "crashed: crash 1" });
    expect(events[7]?.data).toEqual({ attempt: 3 });
  });

  it("a resurrected worker that succeeds reports success", async () => {
    const { runtime, time } = await fixtures.open({ resurrectionCooldownMs: COOLDOWN });
    const { attempts, brain } = crashing((attempt) => attempt === 1);
    const id = await runtime.spawn({ task: "once", brain });
    await time.untilPending();
    await time.advance(COOLDOWN);
    const [report] = await runtime.wait([id]);
    expect(attempts).toEqual([1, 2]);
    expect(report).toMatchObject({ status: "success", summary: "made it on attempt 2" });
    expect(runtime.worker(id)).toMatchObject({ attempt: 2, resurrections: 1 });
  });

  it("never retries a fatal error", async () => {
    const { runtime, db, time } = await fixtures.open({ maxResurrections: 5 });
    let runs = 0;
    const id = await runtime.spawn({
      task: "doomed",
      brain: async () => {
        runs++;
        throw new FatalWorkerError("bad credentials");
      },
    });
    const [report] = await runtime.wait([id]);
    expect(report).toMatchObject({ status: "failed", error: "bad credentials" });
    expect(runs).toBe(1);
    expect(time.pending).toBe(0);
    const events = await workerEvents(db.events, id);
    expect(events.map((e) => e.type)).toEqual(["WorkerSpawned", "WorkerStarted", "WorkerFailed", "WorkerReported"]);
    expect(events[2]?.data).toEqual({ error: "bad credentials", fatal: true });
  });

  it("treats an invalid report as fatal: returning it again is all a retry would do", async () => {
    const { runtime, db } = await fixtures.open();
    const id = await runtime.spawn({
      task: "liar",
      // Only the runtime may report a timeout.
      brain: async () => ({ status: "timeout", summary: "?" }) as never,
    });
    const [report] = await runtime.wait([id]);
    expect(report?.status).toBe("failed");
    expect(report?.error).toContain("invalid report");
    const failed = (await workerEvents(db.events, id))[2];
    expect(failed).toMatchObject({ type: "WorkerFailed", data: { fatal: true } });
  });

  it("with no resurrections allowed, the first crash is the report", async () => {
    const { runtime, db } = await fixtures.open({ maxResurrections: 0 });
    const { brain } = crashing(() => true);
    const id = await runtime.spawn({ task: "once only", brain });
    const [report] = await runtime.wait([id]);
    expect(report).toMatchObject({ status: "failed", error: "crash 1" });
    expect(await workerEventTypes(db.events, id)).toEqual([
      "WorkerSpawned",
      "WorkerStarted",
      "WorkerFailed",
      "WorkerReported",
    ]);
  });

  it("keeps its slot while cooling down, and a stop then ends it without a resurrection", async () => {
    const { runtime, db, time } = await fixtures.open({ maxConcurrentWorkers: 1, resurrectionCooldownMs: COOLDOWN });
    const { brain } = crashing(() => true);
    const brains = new Brains();
    const crasher = await runtime.spawn({ task: "crasher", brain });
    const next = await runtime.spawn({ task: "next", brain: brains.brain });
    await time.untilPending();
    // The crashed worker is still the colony's running one: the queued worker waits.
    expect(runtime.queuedIds).toEqual([next]);
    expect(brains.started).toEqual([]);

    const report = await runtime.stop(crasher);
    expect(report?.status).toBe("stopped");
    expect(time.pending).toBe(0);
    expect(await workerEventTypes(db.events, crasher)).toEqual([
      "WorkerSpawned",
      "WorkerStarted",
      "WorkerFailed",
      "WorkerStopped",
      "WorkerReported",
    ]);
    // Its slot went to the queued worker.
    await brains.untilStarted("next");
    brains.finish("next");
    expect((await runtime.wait([next]))[0]?.status).toBe("success");
  });
});

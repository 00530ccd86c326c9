import { describe, expect, it } from "vitest";
import { InvalidCommandError } from "../../../src/domain/deciders/refusal.js";
import {
  DelegationCapacityError,
  type DelegationChildren,
  type DelegationService,
  DelegationServiceClosedError,
  type RecoveryResult,
  SessionNotFoundError,
} from "../../../src/runtime/delegation/index.js";
import { Brains, workerEvents } from "../../support/colony-runtime.js";
import { delegationFixtures, SESSION_STREAM, sessionEvents, sessionEventsOfType } from "./delegation-fixture.js";
import { appendBarrier, interceptAppends } from "./intercepted-store.js";
import { ManualParent } from "./manual-parent.js";

const fixtures = delegationFixtures();

async function refusal(promise: Promise<unknown>): Promise<DelegationCapacityError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DelegationCapacityError);
  return error as DelegationCapacityError;
}

describe("dispatch", () => {
  it("returns a handle while the child still runs, its worker spawned under the session", async () => {
    const f = await fixtures.open();
    const brains = new Brains();
    const handle = await f.service.dispatch({
      goal: "read paper A",
      context: "the queen wants its claims",
      brain: brains.brain,
    });

    await brains.untilStarted("read paper A");
    expect(handle.delegationId).toMatch(/^deleg_/);
    expect((await sessionEvents(f.db)).map((e) => e.type)).toEqual(["SessionStarted", "DelegationDispatched"]);
    expect(await sessionEventsOfType(f.db, "DelegationDispatched")).toEqual([
      {
        delegationId: handle.delegationId,
        goal: "read paper A",
        context: "the queen wants its claims",
        workerId: handle.workerId,
      },
    ]);
    const spawned = (await workerEvents(f.db.events, handle.workerId))[0];
    expect(spawned).toMatchObject({
      type: "WorkerSpawned",
      data: {
        parentSessionId: "s1",
        task: "read paper A",
        inputData: { delegationId: handle.delegationId, goal: "read paper A", context: "the queen wants its claims" },
      },
    });
    expect(f.service.list()).toMatchObject([
      { delegationId: handle.delegationId, status: "running", completion: null },
    ]);
  });

  it("at capacity 2 refuses the third, naming the cap and what to do, and starts nothing", async () => {
    const f = await fixtures.open({ service: { maxConcurrent: 2 } });
    const brains = new Brains();
    const first = await f.service.dispatch({ goal: "one", brain: brains.brain });
    const second = await f.service.dispatch({ goal: "two", brain: brains.brain });

    const refused = await refusal(f.service.dispatch({ goal: "three", brain: brains.brain }));
    expect(refused.code).toBe("delegation_capacity_reached");
    expect(refused.message).toContain("cap 2");
    expect(refused.message).toContain("wait for one to finish or interrupt one");
    expect(refused.maxConcurrent).toBe(2);
    expect(refused.running).toBe(2);
    expect(refused.runningDelegationIds).toEqual([first.delegationId, second.delegationId]);
    // Refused, not queued and not run some other way.
    expect(await sessionEventsOfType(f.db, "DelegationDispatched")).toHaveLength(2);
    expect(f.runtime.workers().map((w) => w.task)).toEqual(["one", "two"]);
    expect(brains.started).toEqual(["one", "two"]);

    // Once one finishes, its slot is free again.
    brains.finish("one");
    await f.service.completion(first.delegationId);
    await f.service.dispatch({ goal: "three", brain: brains.brain });
    await brains.untilStarted("three");
  });

  it("defaults to a cap of 3", async () => {
    const f = await fixtures.open();
    const brains = new Brains();
    for (const goal of ["a", "b", "c"]) await f.service.dispatch({ goal, brain: brains.brain });
    const refused = await refusal(f.service.dispatch({ goal: "d", brain: brains.brain }));
    expect(refused.message).toContain("cap 3");
  });

  it("two dispatches racing at cap 1 on two connections: exactly one is dispatched", async () => {
    const f = await fixtures.open({ runtime: { colonyId: "c1" } });
    // A second process's view: its own connection to the file and its own colony runtime.
    const otherDb = await fixtures.database(f.file);
    const otherRuntime = await fixtures.runtime(otherDb, { colonyId: "c2" });
    // Both read the session before either appends: only the expected version can stop one.
    const barrier = appendBarrier(SESSION_STREAM, 2);
    const mine = interceptAppends(f.db.events, barrier);
    const theirs = interceptAppends(otherDb.events, barrier);
    const errors: unknown[] = [];
    const a = await fixtures.service(f, new ManualParent(false), { store: () => mine.store, maxConcurrent: 1 }, errors);
    const b = await fixtures.service(
      { ...f, db: otherDb, runtime: otherRuntime },
      new ManualParent(false),
      { store: () => theirs.store, maxConcurrent: 1 },
      errors,
    );
    const brains = new Brains();

    const outcomes = await Promise.allSettled([
      a.dispatch({ goal: "from a", brain: brains.brain }),
      b.dispatch({ goal: "from b", brain: brains.brain }),
    ]);

    expect([...mine.outcomes, ...theirs.outcomes].sort()).toEqual(["appended", "conflict"]);
    const fulfilled = outcomes.filter((o) => o.status === "fulfilled");
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBeInstanceOf(DelegationCapacityError);
    expect(rejected[0]?.reason.message).toContain("cap 1");
    expect(await sessionEventsOfType(f.db, "DelegationDispatched")).toHaveLength(1);
    expect([...f.runtime.workers(), ...otherRuntime.workers()]).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it("a recovery between the dispatch's append and its spawn does not take the child for an orphan", async () => {
    const f = await fixtures.open();
    let service: DelegationService | undefined;
    const recoveries: RecoveryResult[] = [];
    const runtime: DelegationChildren = {
      spawn: async (spec) => {
        // The dispatch is in the log and its worker is not: what a dead process would leave.
        if (service !== undefined) recoveries.push(await service.recover());
        return f.runtime.spawn(spec);
      },
      wait: (ids, options) => f.runtime.wait(ids, options),
      stop: (id, reason) => f.runtime.stop(id, reason),
    };
    service = await fixtures.service(f, new ManualParent(false), { runtime });
    const handle = await service.dispatch({
      goal: "g",
      brain: async () => ({ status: "success", summary: "did it" }),
    });

    expect(recoveries).toEqual([{ watching: [handle.delegationId], delivering: [] }]);
    expect(await service.completion(handle.delegationId)).toMatchObject({ status: "success", summary: "did it" });
    expect(await sessionEventsOfType(f.db, "DelegationCompleted")).toHaveLength(1);
  });

  it("refuses a goal that is empty, naming the field, before anything is appended", async () => {
    const f = await fixtures.open();
    const error = await f.service.dispatch({ goal: "", brain: new Brains().brain }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCommandError);
    expect((error as InvalidCommandError).issues.map((i) => i.path)).toEqual(["goal"]);
    expect((await sessionEvents(f.db)).map((e) => e.type)).toEqual(["SessionStarted"]);
  });

  it("a spawn that fails completes the delegation failed, frees its slot, and is rethrown", async () => {
    const f = await fixtures.open({ service: { maxConcurrent: 1 } });
    const error = await f.service
      // A profile the catalogue refuses makes the spawn's append fail.
      .dispatch({ goal: "doomed", brain: new Brains().brain, profile: { systemPrompt: 1 } as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const [completed] = await sessionEventsOfType(f.db, "DelegationCompleted");
    expect(completed).toMatchObject({ status: "failed", exitReason: "error" });
    expect(String(completed?.summary)).toContain("the child could not be spawned");
    await f.service.dispatch({ goal: "next", brain: new Brains().brain });
  });

  it("will not open on a session that was never started", async () => {
    const f = await fixtures.open();
    await expect(fixtures.service(f, new ManualParent(false), { sessionId: "nobody" })).rejects.toBeInstanceOf(
      SessionNotFoundError,
    );
  });

  it("refuses dispatches once closed", async () => {
    const f = await fixtures.open();
    await f.service.close();
    await expect(f.service.dispatch({ goal: "late", brain: new Brains().brain })).rejects.toBeInstanceOf(
      DelegationServiceClosedError,
    );
  });
});

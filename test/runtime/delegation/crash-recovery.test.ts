import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sessionDecider } from "../../../src/domain/deciders/session.js";
import { handleCommand } from "../../../src/runtime/command-handler.js";
import { killAllChildren, startChild } from "../../support/child-processes.js";
import {
  delegationFixtures,
  deliveredParts,
  openDelegationDatabase,
  SESSION_STREAM,
  sessionEvents,
  sessionEventsOfType,
} from "./delegation-fixture.js";
import { ManualParent } from "./manual-parent.js";

const fixtures = delegationFixtures();
const children = join(import.meta.dirname, "children");

afterEach(killAllChildren);

describe("crash recovery", () => {
  it("a process killed after completion and before delivery delivers exactly once after restart", async () => {
    const file = await fixtures.prepareFile();
    const child = startChild(join(children, "complete-then-hang.ts"), [file]);
    const handle = JSON.parse(await child.nextLine()) as { delegationId: string; workerId: string };

    // Completed in the log, not delivered: the window the original lost completions in.
    const peek = await openDelegationDatabase(file);
    try {
      expect((await sessionEvents(peek)).map((e) => e.type)).toEqual([
        "SessionStarted",
        "DelegationDispatched",
        "DelegationCompleted",
      ]);
      expect(await deliveredParts(peek)).toEqual([]);
    } finally {
      await peek.close();
    }
    await child.kill();

    const f = await fixtures.restart(file, { idle: false });
    expect(f.service.undelivered).toEqual([handle.delegationId]);
    await f.parent.untilWaiting();
    expect(await deliveredParts(f.db)).toEqual([]);

    f.parent.endTurn();
    await f.parent.untilReleases(1);
    expect(await sessionEventsOfType(f.db, "DelegationDelivered")).toHaveLength(1);
    const parts = await deliveredParts(f.db);
    expect(parts).toHaveLength(1);
    expect(parts[0]?.content).toContain("goal: read paper A");
    expect(parts[0]?.content).toContain("summary:\nn = 412");

    // Recovering again, in this service and in another one (a second restart), delivers nothing more.
    expect(await f.service.recover()).toEqual({ watching: [], delivering: [] });
    const again = await fixtures.service(f, new ManualParent(true));
    expect(await again.recover()).toEqual({ watching: [], delivering: [] });
    expect(f.service.undelivered).toEqual([]);
    expect(again.undelivered).toEqual([]);
    expect(f.parent.waitingCount).toBe(0);
    expect(await sessionEventsOfType(f.db, "DelegationDelivered")).toHaveLength(1);
    expect(await deliveredParts(f.db)).toHaveLength(1);
    expect(f.errors).toEqual([]);
  }, 60_000);

  it("a child whose process ended mid-run completes failed after restart, and is delivered", async () => {
    const first = await fixtures.open({ idle: false });
    const handle = await first.service.dispatch({ goal: "a long read", brain: () => new Promise(() => {}) });
    fixtures.abandon(first);

    // The colony runtime's own recovery reports the worker it cannot resume; the service completes from that.
    const f = await fixtures.restart(first.file, { idle: true });
    const completion = await f.service.completion(handle.delegationId);
    expect(completion).toMatchObject({ status: "failed", exitReason: "error" });
    expect(completion.error).toContain("interrupted");
    await f.parent.untilReleases(1);
    expect(f.parent.delivered.map((d) => d.delegationId)).toEqual([handle.delegationId]);
    expect(await deliveredParts(f.db)).toHaveLength(1);
  });

  it("a dispatch whose child was never spawned completes failed, naming why", async () => {
    const f0 = await fixtures.open();
    // The process died between the dispatch's append and the spawn.
    await handleCommand(f0.db.events, sessionDecider, SESSION_STREAM, {
      type: "DispatchDelegation",
      delegationId: "deleg_orphan",
      goal: "never started",
      context: "",
      workerId: "w-orphan",
      maxConcurrent: 3,
    });
    const f = await fixtures.restart(f0.file, { idle: true });
    expect(await f.service.completion("deleg_orphan")).toMatchObject({ status: "failed", error: "no_such_worker" });
    await f.parent.untilReleases(1);
    expect(await sessionEventsOfType(f.db, "DelegationDelivered")).toMatchObject([{ delegationId: "deleg_orphan" }]);
  });
});

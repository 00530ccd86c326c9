import { describe, expect, it } from "vitest";
import { CommandRefusedError } from "../../../src/domain/deciders/refusal.js";
import { Brains } from "../../support/colony-runtime.js";
import { delegationFixtures, deliveredParts, sessionEvents, sessionEventsOfType } from "./delegation-fixture.js";

const fixtures = delegationFixtures();

/** A child that never looks at its abort signal. */
const deaf = () => new Promise<never>(() => {});

describe("interrupt", () => {
  it("interruptAll stops every running child and gives each an interrupted completion", async () => {
    const f = await fixtures.open({ idle: false });
    const brains = new Brains();
    const a = await f.service.dispatch({ goal: "a", brain: brains.brain });
    const b = await f.service.dispatch({ goal: "b", brain: deaf });
    await brains.untilStarted("a");

    expect(await f.service.interruptAll("the user pressed stop")).toBe(2);

    expect(brains.signalOf("a")?.aborted).toBe(true);
    const completed = await sessionEventsOfType(f.db, "DelegationCompleted");
    expect(completed).toHaveLength(2);
    for (const c of completed) expect(c).toMatchObject({ status: "stopped", exitReason: "interrupted" });
    expect(await sessionEventsOfType(f.db, "DelegationInterrupted")).toEqual([
      { delegationId: a.delegationId, reason: "the user pressed stop" },
      { delegationId: b.delegationId, reason: "the user pressed stop" },
    ]);
    expect(f.service.list()).toMatchObject([
      { delegationId: a.delegationId, status: "interrupted", interruptReason: "the user pressed stop" },
      { delegationId: b.delegationId, status: "interrupted", interruptReason: "the user pressed stop" },
    ]);
    expect(f.service.list().every((r) => r.completion !== null)).toBe(true);
    expect(f.errors).toEqual([]);
  });

  it("interrupted completions are delivered, saying so, when the parent is next idle", async () => {
    const f = await fixtures.open({ idle: false });
    const handle = await f.service.dispatch({ goal: "a long survey", brain: new Brains().brain });
    await f.service.interruptAll("stop");
    f.parent.endTurn();
    await f.parent.untilReleases(1);
    const [part] = await deliveredParts(f.db);
    expect(part?.content).toContain(`[Background delegation ${handle.delegationId} finished: interrupted]`);
    expect(part?.content).toContain("status: interrupted");
    expect(part?.content).toContain("worker_status: stopped");
    expect(part?.content).toContain("exit_reason: interrupted");
    expect(part?.content).toContain("interrupt_reason: stop");
  });

  it("frees the slot: at the cap, interrupting one lets the next dispatch in", async () => {
    const f = await fixtures.open({ service: { maxConcurrent: 1 } });
    const brains = new Brains();
    const first = await f.service.dispatch({ goal: "one", brain: brains.brain });
    await expect(f.service.dispatch({ goal: "two", brain: brains.brain })).rejects.toMatchObject({
      code: "delegation_capacity_reached",
    });
    expect(await f.service.interrupt(first.delegationId, "make room")).toMatchObject({
      status: "stopped",
      exitReason: "interrupted",
    });
    await f.service.dispatch({ goal: "two", brain: brains.brain });
    await brains.untilStarted("two");
  });

  it("leaves finished delegations alone: they keep their own result and are not counted", async () => {
    const f = await fixtures.open();
    const done = await f.service.dispatch({ goal: "quick", brain: async () => ({ status: "success", summary: "ok" }) });
    await f.service.completion(done.delegationId);
    expect(await f.service.interruptAll()).toBe(0);
    const refused = await f.service.interrupt(done.delegationId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CommandRefusedError);
    expect((refused as CommandRefusedError).code).toBe("delegation_finished");
    expect(await sessionEventsOfType(f.db, "DelegationInterrupted")).toEqual([]);
    expect(await sessionEventsOfType(f.db, "DelegationCompleted")).toMatchObject([{ status: "success" }]);
  });

  it("close interrupts the running children before it stops", async () => {
    const f = await fixtures.open();
    await f.service.dispatch({ goal: "a", brain: deaf });
    await f.service.close();
    expect((await sessionEvents(f.db)).map((e) => e.type)).toEqual([
      "SessionStarted",
      "DelegationDispatched",
      "DelegationInterrupted",
      "DelegationCompleted",
    ]);
  });
});

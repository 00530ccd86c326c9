import { describe, expect, it } from "vitest";
import { Brains } from "../../support/colony-runtime.js";
import {
  CONVERSATION,
  conversationParts,
  delegationFixtures,
  deliveredParts,
  SESSION_STREAM,
  sessionEventsOfType,
} from "./delegation-fixture.js";
import { appendBarrier, interceptAppends } from "./intercepted-store.js";
import { ManualParent } from "./manual-parent.js";

const fixtures = delegationFixtures();

const reported = (summary: string) => async () => ({
  status: "success" as const,
  summary,
  data: { exit: "reported", model_calls: 3 },
});

describe("delivery into the parent conversation", () => {
  it("waits while the parent is busy, then enters as one new user turn flagged as a trigger", async () => {
    const f = await fixtures.open({ idle: false });
    const handle = await f.service.dispatch({
      goal: "read paper A",
      context: "we need its sample size",
      brain: reported("n = 412, randomised"),
    });
    await f.service.completion(handle.delegationId);
    await f.parent.untilWaiting();

    // Completed, in the log, and not in the conversation while the parent works.
    expect(f.service.undelivered).toEqual([handle.delegationId]);
    expect(await deliveredParts(f.db)).toEqual([]);
    expect(await sessionEventsOfType(f.db, "DelegationDelivered")).toEqual([]);

    const before = await conversationParts(f.db);
    f.parent.endTurn();
    await f.parent.untilReleases(1);

    const parts = await conversationParts(f.db);
    expect(parts.slice(0, before.length)).toEqual(before);
    expect(parts).toHaveLength(before.length + 1);
    const part = parts.at(-1);
    expect(part).toMatchObject({ role: "user", flags: { trigger: true }, seq: before.length });
    for (const line of [
      `[Background delegation ${handle.delegationId} finished: success]`,
      "goal: read paper A",
      "context: we need its sample size",
      "status: success",
      "exit_reason: reported",
      "api_calls: 3",
      "duration_seconds: ",
      "error: (none)",
      "summary:\nn = 412, randomised",
    ]) {
      expect(part?.content).toContain(line);
    }
    expect(await sessionEventsOfType(f.db, "DelegationDelivered")).toEqual([
      { delegationId: handle.delegationId, conversationId: CONVERSATION, seq: before.length },
    ]);
    expect(f.parent.releases).toEqual([
      { delegationId: handle.delegationId, conversationId: CONVERSATION, seq: before.length },
    ]);
    expect(f.service.undelivered).toEqual([]);
    expect(f.service.list()[0]?.delivered).toMatchObject({ seq: before.length });
    expect(f.errors).toEqual([]);
  });

  it("appends only while the parent is held idle, so no turn can start in the middle", async () => {
    let parent: ManualParent | undefined;
    const heldAtAppend: boolean[] = [];
    const f = await fixtures.open({
      idle: true,
      service: {
        store: (events) =>
          interceptAppends(events, (appends) => {
            if (appends.some((a) => a.streamId === `conversation-${CONVERSATION}`)) {
              heldAtAppend.push(parent?.held ?? false);
              // The user speaks at that very moment: the parent may not begin its turn.
              heldAtAppend.push(parent?.beginTurn() === false);
            }
          }).store,
      },
    });
    parent = f.parent;
    const handle = await f.service.dispatch({ goal: "g", brain: reported("s") });
    await f.service.completion(handle.delegationId);
    await f.parent.untilReleases(1);
    expect(heldAtAppend).toEqual([true, true]);
    expect(f.parent.delivered).toHaveLength(1);
  });

  it("delivers completions one turn each, in completion order", async () => {
    const f = await fixtures.open({ idle: false });
    const brains = new Brains();
    const first = await f.service.dispatch({ goal: "first", brain: brains.brain });
    const second = await f.service.dispatch({ goal: "second", brain: brains.brain });
    brains.finish("second");
    await f.service.completion(second.delegationId);
    brains.finish("first");
    await f.service.completion(first.delegationId);

    f.parent.endTurn();
    await f.parent.untilReleases(1);
    // The parent now answers the first completion; the second waits for that turn to end.
    await f.parent.untilWaiting();
    expect(f.parent.idle).toBe(false);
    expect(f.parent.delivered.map((d) => d.delegationId)).toEqual([second.delegationId]);
    f.parent.endTurn();
    await f.parent.untilReleases(2);

    expect(f.parent.delivered.map((d) => d.delegationId)).toEqual([second.delegationId, first.delegationId]);
    const parts = await deliveredParts(f.db);
    expect(parts.map((p) => p.content.split("\n")[3])).toEqual([
      `delegation_id: ${second.delegationId}`,
      `delegation_id: ${first.delegationId}`,
    ]);
    expect(parts[1]?.seq).toBe((parts[0]?.seq ?? -1) + 1);
  });

  it("a crashed child's completion is delivered with its status and error", async () => {
    const f = await fixtures.open({ idle: true, runtime: { maxResurrections: 0 } });
    const handle = await f.service.dispatch({
      goal: "read paper B",
      brain: async () => {
        throw new Error("paper B is not in the archive");
      },
    });
    await f.service.completion(handle.delegationId);
    await f.parent.untilReleases(1);
    const [part] = await deliveredParts(f.db);
    expect(part?.content).toContain("status: failed");
    expect(part?.content).toContain("error: paper B is not in the archive");
  });

  it("two deliverers racing for one completion: one part and one DelegationDelivered", async () => {
    const f = await fixtures.open({ idle: false });
    const handle = await f.service.dispatch({ goal: "g", brain: reported("s") });
    await f.service.completion(handle.delegationId);

    // Two more services recover the session (two restarts at once) with idle parents, and both
    // read it before either appends its delivery.
    const barrier = appendBarrier(SESSION_STREAM, 2);
    const a = interceptAppends(f.db.events, barrier);
    const b = interceptAppends(f.db.events, barrier);
    const parentA = new ManualParent(true);
    const parentB = new ManualParent(true);
    await Promise.all([
      fixtures.service(f, parentA, { store: () => a.store }),
      fixtures.service(f, parentB, { store: () => b.store }),
    ]);
    await parentA.untilReleases(1);
    await parentB.untilReleases(1);

    expect([...a.outcomes, ...b.outcomes].sort()).toEqual(["appended", "conflict"]);
    expect([...parentA.releases, ...parentB.releases].filter((d) => d !== null)).toHaveLength(1);
    expect([...parentA.releases, ...parentB.releases].filter((d) => d === null)).toHaveLength(1);
    expect(await deliveredParts(f.db)).toHaveLength(1);
    expect(await sessionEventsOfType(f.db, "DelegationDelivered")).toHaveLength(1);
    expect(f.errors).toEqual([]);
  });
});

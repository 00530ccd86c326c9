import { describe, expect, it } from "vitest";
import { DEFAULT_RETAINED_COMPLETED } from "../../../src/runtime/delegation/index.js";
import { Brains } from "../../support/colony-runtime.js";
import { delegationFixtures, deliveredParts, sessionEventsOfType } from "./delegation-fixture.js";
import { ManualParent } from "./manual-parent.js";

const fixtures = delegationFixtures();

describe("list retention", () => {
  it("after 60 completions it keeps the running one and the last 50 completed, in dispatch order", async () => {
    expect(DEFAULT_RETAINED_COMPLETED).toBe(50);
    const f = await fixtures.open({ service: { maxConcurrent: 2 } });
    const brains = new Brains();
    const running = await f.service.dispatch({ goal: "the long one", brain: brains.brain });
    const completed: string[] = [];
    for (let i = 0; i < 60; i++) {
      const handle = await f.service.dispatch({
        goal: `quick ${i}`,
        brain: async () => ({ status: "success", summary: `${i}` }),
      });
      await f.service.completion(handle.delegationId);
      completed.push(handle.delegationId);
    }

    const expected = [running.delegationId, ...completed.slice(10)];
    expect(f.service.list().map((r) => r.delegationId)).toEqual(expected);
    expect(f.service.list()[0]).toMatchObject({ status: "running", completion: null });
    // Only memory forgets: the log has all 60, and a service opened on it lists the same.
    expect(await sessionEventsOfType(f.db, "DelegationCompleted")).toHaveLength(60);
    const reopened = await fixtures.service(f, new ManualParent(false));
    expect(reopened.list().map((r) => r.delegationId)).toEqual(expected);
  });

  it("a completion forgotten by the list is still delivered", async () => {
    const f = await fixtures.open({ service: { maxRetainedCompleted: 2 } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const handle = await f.service.dispatch({
        goal: `g${i}`,
        brain: async () => ({ status: "success", summary: "s" }),
      });
      await f.service.completion(handle.delegationId);
      ids.push(handle.delegationId);
    }
    expect(f.service.list().map((r) => r.delegationId)).toEqual(ids.slice(3));

    for (let i = 0; i < 5; i++) {
      f.parent.endTurn();
      await f.parent.untilReleases(i + 1);
    }
    expect(f.parent.delivered.map((d) => d.delegationId)).toEqual(ids);
    expect(await deliveredParts(f.db)).toHaveLength(5);
  });
});

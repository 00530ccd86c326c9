import { describe, expect, it } from "vitest";
import { FatalWorkerError } from "../../../src/runtime/colony/index.js";
import { delegationFixtures, sessionEventsOfType } from "./delegation-fixture.js";

const fixtures = delegationFixtures();

describe("completion", () => {
  it("records the child's report: status, summary, error, duration, model calls and exit reason", async () => {
    const f = await fixtures.open();
    const handle = await f.service.dispatch({
      goal: "read paper A",
      brain: async () => ({
        status: "success",
        summary: "paper A claims the effect is real",
        data: { exit: "reported", model_calls: 4, tool_calls: 2 },
        tokens: { inputTokens: 1200, outputTokens: 300 },
      }),
    });

    const completion = await f.service.completion(handle.delegationId);
    expect(completion).toEqual({
      status: "success",
      summary: "paper A claims the effect is real",
      error: null,
      durationMs: expect.any(Number),
      modelCalls: 4,
      exitReason: "reported",
    });
    expect(Number.isInteger(completion.durationMs) && completion.durationMs >= 0).toBe(true);
    expect(await sessionEventsOfType(f.db, "DelegationCompleted")).toEqual([
      { delegationId: handle.delegationId, ...completion },
    ]);
    expect(f.service.list()).toMatchObject([{ delegationId: handle.delegationId, status: "completed", completion }]);
    expect(f.errors).toEqual([]);
  });

  it("a brain that reports no figures made no counted model call and exits completed", async () => {
    const f = await fixtures.open();
    const handle = await f.service.dispatch({ goal: "g", brain: async () => ({ status: "partial", summary: "half" }) });
    expect(await f.service.completion(handle.delegationId)).toMatchObject({
      status: "partial",
      modelCalls: 0,
      exitReason: "completed",
    });
  });

  it("a child that crashes with no resurrection left completes failed with its error message", async () => {
    const f = await fixtures.open({ runtime: { maxResurrections: 0 } });
    const handle = await f.service.dispatch({
      goal: "read paper B",
      brain: async () => {
        throw new Error("paper B is not in the archive");
      },
    });

    const completion = await f.service.completion(handle.delegationId);
    // The catalogue's ReportStatus has no "error": a crash is `failed`, exiting on an error.
    expect(completion).toMatchObject({ status: "failed", error: "paper B is not in the archive", exitReason: "error" });
    expect(completion.summary).toContain("paper B is not in the archive");
    expect(await sessionEventsOfType(f.db, "DelegationCompleted")).toMatchObject([
      { delegationId: handle.delegationId, status: "failed", error: "paper B is not in the archive" },
    ]);
  });

  it("a fatal crash is not retried and completes failed with its message", async () => {
    const f = await fixtures.open({ runtime: { maxResurrections: 3 } });
    let attempts = 0;
    const handle = await f.service.dispatch({
      goal: "read paper C",
      brain: async () => {
        attempts++;
        throw new FatalWorkerError("no credentials for the archive");
      },
    });
    expect(await f.service.completion(handle.delegationId)).toMatchObject({
      status: "failed",
      error: "no credentials for the archive",
    });
    expect(attempts).toBe(1);
  });

  it("a crash with resurrections left is retried, and only the final outcome completes the delegation", async () => {
    const f = await fixtures.open({ runtime: { maxResurrections: 1 } });
    let attempts = 0;
    const handle = await f.service.dispatch({
      goal: "flaky",
      brain: async () => {
        attempts++;
        if (attempts === 1) throw new Error("the connection dropped");
        return { status: "success", summary: "done on the second try" };
      },
    });
    expect(await f.service.completion(handle.delegationId)).toMatchObject({
      status: "success",
      summary: "done on the second try",
    });
    expect(await sessionEventsOfType(f.db, "DelegationCompleted")).toHaveLength(1);
  });
});

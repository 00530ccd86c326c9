import { describe, expect, it } from "vitest";
import { StaleClaimReclaimer } from "../../../src/runtime/ledger/stale-claim-reclaimer.js";
import { historyByTask, ledgers } from "./ledger-fixture.js";

const open = ledgers();

const MINUTE = 60_000;
const STALE_AFTER = 15 * MINUTE;

/** A timer the test fires by hand: no sleeping, no fake global timers. */
function manualTimer() {
  const ticks: (() => void)[] = [];
  let cancelled = 0;
  return {
    every: (_ms: number, tick: () => void) => {
      ticks.push(tick);
      return () => {
        cancelled++;
      };
    },
    fire: () => {
      for (const tick of ticks) tick();
    },
    get scheduled() {
      return ticks.length;
    },
    get cancelled() {
      return cancelled;
    },
  };
}

describe("reclaiming stale claims", () => {
  it("returns stale claims to pending with retry_count + 1, fails them past max_retries, leaves fresh ones", async () => {
    const { db, ledger, clock } = await open();
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, [
      { goal: "stale", maxRetries: 3, steps: [{ title: "half done" }] },
      { goal: "stale, out of retries", maxRetries: 0 },
      { goal: "fresh" },
      { goal: "never claimed" },
      { goal: "finished long ago" },
    ]);
    const [stale, spent, fresh, , finished] = taskIds as string[];
    const staleClaim = await ledger.claim(stale as string, "w1");
    await ledger.startStep(staleClaim, 1);
    await ledger.claim(spent as string, "w2");
    await ledger.complete(await ledger.claim(finished as string, "w4"));
    clock.advance(10 * MINUTE);
    await ledger.claim(fresh as string, "w3");
    clock.advance(5 * MINUTE);

    // Stale: claimed 15 minutes ago. Fresh: 5 minutes ago.
    const result = await ledger.reclaimStale({ staleAfterMs: STALE_AFTER });
    expect(result).toEqual({ released: [stale], failed: [spent] });

    const byGoal = new Map((await ledger.tasks("c1")).map((t) => [t.goal, t]));
    expect(byGoal.get("stale")).toMatchObject({ status: "pending", retryCount: 1, workerId: null, claimedAt: null });
    // Progress survives the reclaim: the next holder carries on.
    expect(byGoal.get("stale")?.steps[0]?.status).toBe("in_progress");
    expect(byGoal.get("stale, out of retries")).toMatchObject({
      status: "failed",
      retryCount: 0,
      lastError: "exceeded max_retries after stale claim",
    });
    expect(byGoal.get("fresh")).toMatchObject({ status: "claimed", workerId: "w3", retryCount: 0 });
    expect(byGoal.get("never claimed")?.status).toBe("pending");
    expect(byGoal.get("finished long ago")?.status).toBe("done");

    // The old holder has lost its claim; the task is claimable again.
    await expect(ledger.complete(staleClaim)).rejects.toMatchObject({ code: "task_not_claimed" });
    const again = await ledger.claimNext("c1", "w5");
    expect(again?.taskId).toBe(stale);
    expect(again?.retryCount).toBe(1);

    const history = await historyByTask(db.events.readAll());
    expect(history.get(stale as string)).toEqual([
      "TaskSeeded",
      "TaskClaimed",
      "StepStarted",
      "TaskReleased",
      "TaskClaimed",
    ]);
    expect(history.get(spent as string)).toEqual(["TaskSeeded", "TaskClaimed", "TaskFailed"]);
    expect(history.get(fresh as string)).toEqual(["TaskSeeded", "TaskClaimed"]);
  });

  it("counts retries up to max_retries, then fails the task", async () => {
    const { ledger, clock } = await open();
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, [{ goal: "flaky", maxRetries: 2 }]);
    const id = taskIds[0] as string;
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      await ledger.claim(id, `w${attempt}`);
      clock.advance(STALE_AFTER);
      const { released, failed } = await ledger.reclaimStale({ staleAfterMs: STALE_AFTER });
      const [task] = await ledger.tasks("c1");
      outcomes.push(`${released.length}/${failed.length} ${task?.status} ${task?.retryCount}`);
    }
    expect(outcomes).toEqual(["1/0 pending 1", "1/0 pending 2", "0/1 failed 2"]);
  });

  it("runs periodically on its timer, only on the given colony, until stopped", async () => {
    const { ledger, clock } = await open();
    const a = await ledger.createColony({ colonyId: "a", name: "a" }, [{ goal: "a1" }]);
    const b = await ledger.createColony({ colonyId: "b", name: "b" }, [{ goal: "b1" }]);
    await ledger.claim(a.taskIds[0] as string, "w1");
    await ledger.claim(b.taskIds[0] as string, "w2");

    const timer = manualTimer();
    const reports: unknown[] = [];
    const reclaimer = new StaleClaimReclaimer(ledger, {
      intervalMs: MINUTE,
      staleAfterMs: STALE_AFTER,
      colonyId: "a",
      runImmediately: false,
      every: timer.every,
      onReclaimed: (result) => reports.push(result),
      onError: (error) => reports.push(error),
    }).start();
    reclaimer.start();
    expect(timer.scheduled).toBe(1);

    timer.fire();
    await reclaimer.sweep();
    expect(reports).toEqual([]);

    clock.advance(STALE_AFTER);
    timer.fire();
    // The tick's pass is under way: sweep() joins it instead of starting a second.
    await reclaimer.sweep();
    await reclaimer.stop();
    expect(reports).toEqual([{ released: a.taskIds, failed: [] }]);
    expect((await ledger.tasks("a"))[0]?.status).toBe("pending");
    expect((await ledger.tasks("b"))[0]?.status).toBe("claimed");
    expect(timer.cancelled).toBe(1);
    expect(reclaimer.started).toBe(false);
  });

  it("runs on a real interval when no timer is given, and stops", async () => {
    const { ledger, clock } = await open();
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, [{ goal: "a" }]);
    await ledger.claim(taskIds[0] as string, "w1");
    clock.advance(STALE_AFTER);
    const released = new Promise<unknown>((resolve) => {
      const reclaimer = new StaleClaimReclaimer(ledger, {
        intervalMs: 5,
        staleAfterMs: STALE_AFTER,
        runImmediately: false,
        onReclaimed: (result) => {
          void reclaimer.stop().then(() => resolve(result));
        },
      }).start();
    });
    expect(await released).toEqual({ released: taskIds, failed: [] });
  });
});

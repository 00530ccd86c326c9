import { describe, expect, it } from "vitest";
import { CommandRefusedError } from "../../../src/domain/deciders/refusal.js";
import { InvalidTaskSeedError } from "../../../src/domain/deciders/task-seed.js";
import { historyByTask, ledgers } from "./ledger-fixture.js";

const open = ledgers();

async function refusal(promise: Promise<unknown>): Promise<CommandRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CommandRefusedError);
  return error as CommandRefusedError;
}

describe("TaskLedger seeding", () => {
  it("creates a colony with 10,000 tasks in one append, every task pending in the ledger", async () => {
    const { db, ledger } = await open();
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({
      goal: `task ${i}`,
      priority: i % 7,
      steps: i % 100 === 0 ? [{ title: "look" }, { title: "write" }] : undefined,
      sopItems: i % 100 === 0 ? [{ key: "checked", description: "someone checked it" }] : undefined,
    }));
    const { taskIds } = await ledger.createColony({ colonyId: "big", name: "big" }, tasks);

    expect(taskIds).toHaveLength(10_000);
    expect(new Set(taskIds).size).toBe(10_000);
    // One append: the colony and every task share one transaction, so one recorded time.
    const events = [];
    for await (const e of db.events.readAll()) events.push(e);
    expect(events).toHaveLength(10_001);
    expect(new Set(events.map((e) => e.metadata.recordedAt)).size).toBe(1);
    const listed = await ledger.tasks("big");
    expect(listed).toHaveLength(10_000);
    expect(listed.every((t) => t.status === "pending")).toBe(true);
    expect(listed.filter((t) => t.steps.length === 2 && t.sopItems.length === 1)).toHaveLength(100);
  });

  it("writes nothing when one task of the batch is invalid, naming it", async () => {
    const { db, ledger } = await open();
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({ goal: `task ${i}` }));
    tasks[4321] = { goal: "" };

    const error = await ledger.createColony({ colonyId: "c1", name: "c1" }, tasks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskSeedError);
    expect((error as InvalidTaskSeedError).message).toMatch(/^task\[4321\]\.goal: /);
    expect(await db.events.headPosition()).toBe(0n);
    expect(await db.readModels.selectFrom("tasks").select("id").execute()).toEqual([]);
    expect(await ledger.colonyIdByName("c1")).toBeUndefined();
  });

  it("seeds and enqueues into an existing colony behind its tasks, and refuses an unknown colony", async () => {
    const { ledger } = await open();
    await ledger.createColony({ colonyId: "c1", name: "c1" }, [{ goal: "a" }, { goal: "b" }]);
    await ledger.seedTasks("c1", [{ goal: "c" }]);
    const id = await ledger.enqueue("c1", { goal: "d", payload: { n: 1 } });

    const listed = await ledger.tasks("c1");
    expect(listed.map((t) => [t.goal, t.seq, t.source])).toEqual([
      ["a", 0, "queen_create"],
      ["b", 1, "queen_create"],
      ["c", 2, "queen_create"],
      ["d", 3, "enqueue_tool"],
    ]);
    expect(listed[3]?.id).toBe(id);
    expect(listed[3]?.payload).toBe('{"n":1}');
    expect((await refusal(ledger.enqueue("nope", { goal: "x" }))).code).toBe("colony_not_found");
    expect((await refusal(ledger.seedTasks("nope", [{ goal: "x" }]))).code).toBe("colony_not_found");
    expect((await refusal(ledger.createColony({ colonyId: "c1", name: "c1" }, []))).code).toBe("colony_already_exists");
  });

  it("seeds a colony by name, creating it the first time", async () => {
    const { ledger } = await open();
    const first = await ledger.seedNamedColony("docs", [{ goal: "a" }]);
    const second = await ledger.seedNamedColony("docs", [{ goal: "b" }]);
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.colonyId).toBe(first.colonyId);
    expect((await ledger.tasks(first.colonyId)).map((t) => t.goal)).toEqual(["a", "b"]);
  });
});

describe("TaskLedger claims", () => {
  it("claims next in priority DESC, seq, created_at order, then null", async () => {
    const { ledger } = await open();
    await ledger.createColony({ colonyId: "c1", name: "c1" }, [
      { goal: "low first", priority: 0 },
      { goal: "high second", priority: 5 },
      { goal: "high first", priority: 5, seq: 0 },
      { goal: "mid", priority: 2 },
    ]);
    const goals: string[] = [];
    for (;;) {
      const task = await ledger.claimNext("c1", "w1");
      if (!task) break;
      goals.push(task.goal);
    }
    expect(goals).toEqual(["high first", "high second", "mid", "low first"]);
  });

  it("claims by id only that task, and refuses a claimed one naming the holder", async () => {
    const { db, ledger } = await open();
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, [
      { goal: "first in line", priority: 9 },
      { goal: "wanted" },
    ]);
    const [first, wanted] = taskIds as [string, string];

    const claimed = await ledger.claim(wanted, "w1");
    expect(claimed).toMatchObject({ taskId: wanted, workerId: "w1", goal: "wanted", colonyId: "c1" });
    const refused = await refusal(ledger.claim(wanted, "w2"));
    expect(refused.code).toBe("task_already_claimed");
    expect(refused.message).toContain("w1");
    expect(refused.details).toMatchObject({ workerId: "w1" });

    const history = await historyByTask(db.events.readAll());
    expect(history.get(first)).toEqual(["TaskSeeded"]);
    expect(history.get(wanted)).toEqual(["TaskSeeded", "TaskClaimed"]);
    expect((await ledger.tasks("c1")).map((t) => [t.goal, t.status, t.workerId])).toEqual([
      ["first in line", "pending", null],
      ["wanted", "claimed", "w1"],
    ]);
    expect((await refusal(ledger.claim("missing", "w1"))).code).toBe("task_not_found");
  });

  it("works a task through steps with evidence and SOP ticks; completion needs the SOP and the token", async () => {
    const { ledger } = await open();
    await ledger.createColony({ colonyId: "c1", name: "c1" }, [
      {
        goal: "ship",
        steps: [{ title: "build" }, { title: "test" }],
        sopItems: [
          { key: "reviewed", description: "a person reviewed it" },
          { key: "noted", description: "optional note", required: false },
        ],
      },
    ]);
    const claim = await ledger.claimNext("c1", "w1");
    if (!claim) throw new Error("nothing claimed");
    expect(claim.steps.map((s) => s.seq)).toEqual([1, 2]);

    await ledger.startStep(claim, 1);
    await ledger.completeStep(claim, 1, "built in 3s");
    expect((await refusal(ledger.complete(claim))).code).toBe("sop_items_open");
    expect((await refusal(ledger.checkSopItem({ ...claim, claimToken: "forged" }, "reviewed"))).code).toBe(
      "claim_token_mismatch",
    );
    await ledger.checkSopItem(claim, "reviewed", "looks right");
    expect((await refusal(ledger.complete({ ...claim, claimToken: "forged" }))).code).toBe("claim_token_mismatch");
    expect((await refusal(ledger.complete({ ...claim, workerId: "w2" }))).code).toBe("claim_token_mismatch");
    const done = await ledger.complete(claim, { shipped: true });
    expect(done.status).toBe("done");

    const [task] = await ledger.tasks("c1");
    expect(task?.status).toBe("done");
    expect(task?.steps.map((s) => [s.seq, s.status, s.evidence])).toEqual([
      [1, "done", "built in 3s"],
      [2, "pending", null],
    ]);
    expect(task?.sopItems.map((i) => [i.key, i.doneBy, i.note])).toEqual([
      ["reviewed", "w1", "looks right"],
      ["noted", null, null],
    ]);
    expect((await refusal(ledger.complete(claim))).code).toBe("task_finished");
  });

  it("fails a task with its error, and releases one back to pending without counting a retry", async () => {
    const { ledger } = await open();
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, [{ goal: "a" }, { goal: "b" }]);
    const a = await ledger.claim(taskIds[0] as string, "w1");
    const b = await ledger.claim(taskIds[1] as string, "w2");
    await ledger.fail(a, "disk full");
    await ledger.release(b);

    expect((await ledger.tasks("c1")).map((t) => [t.goal, t.status, t.lastError, t.retryCount, t.workerId])).toEqual([
      // As in the original, a failed task keeps the worker that held it.
      ["a", "failed", "disk full", 0, "w1"],
      ["b", "pending", null, 0, null],
    ]);
    expect((await ledger.claimNext("c1", "w3"))?.goal).toBe("b");
  });
});

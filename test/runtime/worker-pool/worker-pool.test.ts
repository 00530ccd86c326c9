import { describe, expect, it } from "vitest";
import { systemClock } from "../../../src/adapters/system/system-clock.js";
import { systemTimers } from "../../../src/adapters/system/system-timers.js";
import type { TaskSeedInput } from "../../../src/domain/deciders/task-seed.js";
import type { EventStore } from "../../../src/domain/ports/event-store.js";
import type { TaskLedger } from "../../../src/runtime/ledger/task-ledger.js";
import type { TaskOutcome } from "../../../src/runtime/worker-pool/run-claimed-task.js";
import type { HandlerTask, TaskHandler, TaskTools } from "../../../src/runtime/worker-pool/task-handler.js";
import { type PoolLedger, WorkerPool, type WorkerPoolOptions } from "../../../src/runtime/worker-pool/worker-pool.js";
import { historyByTask, ledgers } from "../ledger/ledger-fixture.js";

const open = ledgers();

type PoolSetup = Partial<WorkerPoolOptions> & Pick<WorkerPoolOptions, "handler">;

function pool(ledger: PoolLedger, events: Pick<EventStore, "readStream">, setup: PoolSetup): WorkerPool {
  return new WorkerPool({
    ledger,
    events,
    colonyId: "c1",
    timers: systemTimers,
    concurrency: 1,
    workerIdPrefix: "pool1",
    untilEmpty: true,
    pollIntervalMs: 5,
    reclaimIntervalMs: 10,
    staleAfterMs: 60_000,
    ...setup,
  });
}

/** Runs every step not done yet, with its square as evidence, ticks every SOP item, reports the square. */
const squarer: TaskHandler = async (task, tools) => {
  const n = (task.payload as { n: number }).n;
  for (const step of task.steps) {
    if (step.status === "done") continue;
    await tools.startStep(step.seq);
    await new Promise((resolve) => setImmediate(resolve));
    await tools.completeStep(step.seq, `${step.title} ${n}: ${n * n}`);
  }
  for (const item of task.sopItems) if (!item.checked) await tools.checkSop(item.key, `${n} checked`);
  return { status: "success", summary: `${n} squared is ${n * n}`, data: { square: n * n } };
};

const STEPS = [{ title: "square", detail: "multiply it by itself" }, { title: "report" }];
const SOP = [{ key: "checked", description: "the square is right" }];

function squares(count: number): TaskSeedInput[] {
  return Array.from({ length: count }, (_, n) => ({
    goal: `square ${n}`,
    payload: { n },
    steps: STEPS,
    sopItems: SOP,
  }));
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("WorkerPool", () => {
  it("drains a colony of 30 tasks with 4 slots: each task completed exactly once, steps in order, SOP ticked", async () => {
    const { db, ledger } = await open({ clock: systemClock });
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, squares(30));
    const seen: HandlerTask[] = [];
    const outcomes: TaskOutcome[] = [];
    const handler: TaskHandler = (task, tools) => {
      seen.push(task);
      return squarer(task, tools);
    };

    const summary = await pool(ledger, db.events, {
      handler,
      concurrency: 4,
      onOutcome: (o) => outcomes.push(o),
    }).run();

    expect(summary).toEqual({
      done: 30,
      failed: 0,
      released: 0,
      lost: 0,
      reclaimed: 0,
      reclaimFailed: 0,
      ended: "empty",
    });
    const history = await historyByTask(db.events.readAll());
    for (const id of taskIds) {
      expect(history.get(id)).toEqual([
        "TaskSeeded",
        "TaskClaimed",
        "StepStarted",
        "StepCompleted",
        "StepStarted",
        "StepCompleted",
        "SopItemChecked",
        "TaskCompleted",
      ]);
    }
    expect(outcomes.map((o) => o.kind)).toEqual(Array(30).fill("done"));
    expect(new Set(outcomes.map((o) => o.taskId))).toEqual(new Set(taskIds));
    // The work was shared among the slots.
    expect(new Set(outcomes.map((o) => o.workerId)).size).toBeGreaterThan(1);
    expect([...new Set(outcomes.map((o) => o.workerId))].every((w) => /^pool1_[1-4]$/.test(w))).toBe(true);

    // The handler got the payload as JSON and what only the seed holds.
    const first = seen.find((t) => t.goal === "square 7");
    expect(first).toMatchObject({
      payload: { n: 7 },
      steps: [
        { seq: 1, title: "square", detail: "multiply it by itself", status: "pending" },
        { seq: 2, title: "report", detail: null, status: "pending" },
      ],
      sopItems: [{ key: "checked", description: "the square is right", required: true, checked: false }],
    });

    const tasks = await ledger.tasks("c1");
    expect(tasks.every((t) => t.status === "done")).toBe(true);
    const seven = tasks.find((t) => t.goal === "square 7");
    expect(seven?.steps.map((s) => s.evidence)).toEqual(["square 7: 49", "report 7: 49"]);
    const completed = [];
    for await (const e of db.events.readStream(`task-${seven?.id}`)) if (e.type === "TaskCompleted") completed.push(e);
    expect(completed[0]?.data).toMatchObject({ result: { summary: "7 squared is 49", data: { square: 49 } } });
  });

  it("fails a task whose handler throws, reports failure, returns a bad report or leaves a required SOP item open", async () => {
    const { db, ledger } = await open({ clock: systemClock });
    const modes = ["throw", "failed", "bad", "undefined", "sop"] as const;
    await ledger.createColony(
      { colonyId: "c1", name: "c1" },
      modes.map((mode) => ({ id: mode, goal: mode, payload: { mode }, sopItems: SOP })),
    );
    const handler: TaskHandler = async (task) => {
      switch ((task.payload as { mode: (typeof modes)[number] }).mode) {
        case "throw":
          throw new Error("disk on fire");
        case "failed":
          return { status: "failed", summary: "upstream down" };
        case "bad":
          return { status: "ok", summary: 42, extra: true };
        case "undefined":
          return undefined;
        case "sop":
          return { status: "success", summary: "forgot the checklist" };
      }
    };

    const summary = await pool(ledger, db.events, { handler, concurrency: 2 }).run();

    expect(summary).toMatchObject({ done: 0, failed: 5, ended: "empty" });
    const errors = new Map((await ledger.tasks("c1")).map((t) => [t.id, [t.status, t.lastError]]));
    expect(errors.get("throw")).toEqual(["failed", "handler threw: disk on fire"]);
    expect(errors.get("failed")).toEqual(["failed", "upstream down"]);
    const bad = errors.get("bad")?.[1] ?? "";
    expect(bad).toMatch(/^the handler returned an invalid report \(/);
    expect(bad).toContain("report.status: ");
    expect(bad).toContain("report.summary: ");
    expect(bad).toMatch(/extra/);
    expect(errors.get("undefined")?.[1]).toMatch(/^the handler returned an invalid report \(report: .*object/);
    expect(errors.get("sop")?.[1]).toBe(
      "the handler reported success but task sop has open required SOP items: checked",
    );
    const history = await historyByTask(db.events.readAll());
    for (const mode of modes) expect(history.get(mode)).toEqual(["TaskSeeded", "TaskClaimed", "TaskFailed"]);
  });

  it("on stop lets the running handler finish its step, refuses the next, releases the task with its steps kept", async () => {
    const { db, ledger } = await open({ clock: systemClock });
    const steps = [{ title: "one" }, { title: "two" }, { title: "three" }];
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, [
      { goal: "long", payload: { n: 3 }, steps },
      { goal: "never started", payload: { n: 4 }, steps },
    ]);
    const [long, untouched] = taskIds as [string, string];
    const inStepTwo = deferred();
    let refusal: unknown;
    const handler: TaskHandler = async (task, tools: TaskTools) => {
      for (const step of task.steps) {
        try {
          await tools.startStep(step.seq);
        } catch (error) {
          refusal = error;
          throw error;
        }
        if (step.seq === 2) {
          inStepTwo.resolve();
          await aborted(tools.signal);
        }
        await tools.completeStep(step.seq, `did ${step.title}`);
      }
      return { status: "success", summary: "all three" };
    };
    const outcomes: TaskOutcome[] = [];
    const running = pool(ledger, db.events, { handler, untilEmpty: false, onOutcome: (o) => outcomes.push(o) });
    const summary = running.run();
    await inStepTwo.promise;
    running.stop();

    expect(await summary).toMatchObject({ done: 0, failed: 0, released: 1, ended: "stopped" });
    expect(outcomes).toEqual([{ kind: "released", taskId: long, workerId: "pool1_1", reason: "the pool stopped" }]);
    expect(refusal).toMatchObject({ code: "worker_stopping" });
    const history = await historyByTask(db.events.readAll());
    expect(history.get(long)).toEqual([
      "TaskSeeded",
      "TaskClaimed",
      "StepStarted",
      "StepCompleted",
      "StepStarted",
      "StepCompleted",
      "TaskReleased",
    ]);
    expect(history.get(untouched)).toEqual(["TaskSeeded"]);
    const [task] = await ledger.tasks("c1");
    expect(task).toMatchObject({ id: long, status: "pending", retryCount: 0 });
    expect(task?.steps.map((s) => s.status)).toEqual(["done", "done", "pending"]);

    // Another pool carries on from the steps recorded: none is done twice.
    const again = await pool(ledger, db.events, { handler: squarer, workerIdPrefix: "pool2" }).run();
    expect(again).toMatchObject({ done: 2, ended: "empty" });
    const after = await historyByTask(db.events.readAll());
    expect(after.get(long)?.slice(7)).toEqual(["TaskClaimed", "StepStarted", "StepCompleted", "TaskCompleted"]);
  });

  it("with untilEmpty waits for a task claimed by a dead worker until the reclaimer returns it, then does it", async () => {
    const { db, ledger, clock } = await open();
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, squares(2));
    const [orphan, other] = taskIds as [string, string];
    await ledger.claim(orphan, "dead_1");
    const waiting: number[] = [];
    const summary = await pool(ledger, db.events, {
      handler: squarer,
      staleAfterMs: 30_000,
      // Idle, and the only task left is the dead worker's: let its claim grow stale.
      onWaiting: (n) => {
        waiting.push(n);
        clock.advance(60_000);
      },
    }).run();

    expect(waiting).toEqual([1]);
    expect(summary).toEqual({
      done: 2,
      failed: 0,
      released: 0,
      lost: 0,
      reclaimed: 1,
      reclaimFailed: 0,
      ended: "empty",
    });
    const history = await historyByTask(db.events.readAll());
    expect(history.get(other)?.at(-1)).toBe("TaskCompleted");
    expect(history.get(orphan)).toEqual([
      "TaskSeeded",
      "TaskClaimed",
      "TaskReleased",
      "TaskClaimed",
      "StepStarted",
      "StepCompleted",
      "StepStarted",
      "StepCompleted",
      "SopItemChecked",
      "TaskCompleted",
    ]);
    expect((await ledger.tasks("c1")).find((t) => t.id === orphan)).toMatchObject({
      retryCount: 1,
      workerId: "pool1_1",
    });
  });

  it("writes nothing for a claim reclaimed under its handler, and does the task again from its steps", async () => {
    const { db, ledger, clock } = await open();
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, squares(1));
    const [taskId] = taskIds as [string];
    const stepStarted = deferred();
    const go = deferred();
    let signalAfterRefusal: boolean | undefined;
    const handler: TaskHandler = async (task, tools) => {
      if (task.retryCount > 0) return squarer(task, tools);
      await tools.startStep(1);
      stepStarted.resolve();
      await go.promise;
      try {
        await tools.completeStep(1, "too late");
      } finally {
        signalAfterRefusal = tools.signal.aborted;
      }
      return { status: "success", summary: "never recorded" };
    };
    const outcomes: TaskOutcome[] = [];
    const running = pool(ledger, db.events, {
      handler,
      staleAfterMs: 30_000,
      onOutcome: (o) => outcomes.push(o),
    }).run();
    await stepStarted.promise;
    // The handler stalls past the stale age: the pool's own reclaimer gives its task back.
    clock.advance(60_000);
    await until(async () => (await ledger.tasks("c1"))[0]?.status === "pending", "the reclaim");
    go.resolve();

    expect(await running).toMatchObject({ done: 1, lost: 1, reclaimed: 1, failed: 0, ended: "empty" });
    expect(signalAfterRefusal).toBe(true);
    expect(outcomes.map((o) => o.kind)).toEqual(["lost", "done"]);
    expect(outcomes[0]).toMatchObject({ taskId, reason: expect.stringContaining("not claimed") });
    expect((await historyByTask(db.events.readAll())).get(taskId)).toEqual([
      "TaskSeeded",
      "TaskClaimed",
      "StepStarted",
      "TaskReleased",
      "TaskClaimed",
      // The step its predecessor left in progress is started again, then completed once.
      "StepStarted",
      "StepCompleted",
      "StepStarted",
      "StepCompleted",
      "SopItemChecked",
      "TaskCompleted",
    ]);
  });

  it("stops every slot when the log fails under one, releasing what the others hold, and rejects", async () => {
    const { db, ledger } = await open({ clock: systemClock });
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, squares(3));
    const holding = deferred();
    const failing: PoolLedger = bound(ledger, {
      claimNext: async (colonyId, workerId) => {
        if (workerId === "pool1_2") {
          await holding.promise;
          throw new Error("disk I/O error");
        }
        return ledger.claimNext(colonyId, workerId);
      },
    });
    const handler: TaskHandler = async (task, tools) => {
      await tools.startStep(1);
      holding.resolve();
      await aborted(tools.signal);
      return squarer(task, tools);
    };

    await expect(pool(failing, db.events, { handler, concurrency: 2 }).run()).rejects.toThrow("disk I/O error");
    const history = await historyByTask(db.events.readAll());
    expect(history.get(taskIds[0] as string)).toEqual(["TaskSeeded", "TaskClaimed", "StepStarted", "TaskReleased"]);
    expect(history.get(taskIds[1] as string)).toEqual(["TaskSeeded"]);
  });

  it("refuses a pool without slots or with worker ids outside the id alphabet", async () => {
    const { db, ledger } = await open();
    expect(() => pool(ledger, db.events, { handler: squarer, concurrency: 0 })).toThrow(
      expect.objectContaining({ code: "invalid_argument", message: expect.stringMatching(/^concurrency: /) }),
    );
    expect(() => pool(ledger, db.events, { handler: squarer, workerIdPrefix: "pool 1" })).toThrow(
      expect.objectContaining({ code: "invalid_argument", message: expect.stringMatching(/^workerIdPrefix: /) }),
    );
    expect(() => pool(ledger, db.events, { handler: squarer, staleAfterMs: 0 })).toThrow(/staleAfterMs/);
  });
});

/** The ledger with some methods replaced, the rest bound to it. */
function bound(ledger: TaskLedger, overrides: Partial<PoolLedger>): PoolLedger {
  return {
    claimNext: ledger.claimNext.bind(ledger),
    startStep: ledger.startStep.bind(ledger),
    completeStep: ledger.completeStep.bind(ledger),
    checkSopItem: ledger.checkSopItem.bind(ledger),
    complete: ledger.complete.bind(ledger),
    fail: ledger.fail.bind(ledger),
    release: ledger.release.bind(ledger),
    unfinished: ledger.unfinished.bind(ledger),
    reclaimStale: ledger.reclaimStale.bind(ledger),
    ...overrides,
  };
}

import { describe, expect, it } from "vitest";
import { InvalidCommandError } from "../../../src/domain/deciders/refusal.js";
import {
  parseTaskCommand,
  STALE_CLAIM_ERROR,
  type TaskCommand,
  type TaskEvent,
  taskDecider,
} from "../../../src/domain/deciders/task.js";
import type { EventData } from "../../../src/domain/events/catalogue.js";
import { at, scenario } from "../../support/decider-scenario.js";

const task = scenario(taskDecider, "task");

const seeded: EventData<"TaskSeeded"> = {
  taskId: "t1",
  colonyId: "c1",
  goal: "summarise the report",
  seq: 0,
  priority: 0,
  payload: { url: "https://example.org/report" },
  maxRetries: 2,
  parentTaskId: null,
  source: "test",
  steps: [
    { seq: 1, title: "fetch", detail: null },
    { seq: 2, title: "summarise", detail: "in five lines" },
  ],
  sopItems: [
    { key: "cite_sources", description: "every claim cites the report", required: true, note: null },
    { key: "spellcheck", description: "optional polish", required: false, note: null },
  ],
};

const SEEDED: TaskEvent = { type: "TaskSeeded", data: seeded };
const CLAIMED_AT = "2025-01-01T10:00:00.000Z";
const CLAIMED = at<TaskEvent>(CLAIMED_AT, { type: "TaskClaimed", data: { workerId: "w1", claimToken: "tok1" } });
const STEP1_STARTED: TaskEvent = { type: "StepStarted", data: { stepSeq: 1, workerId: "w1" } };
const STEP1_DONE: TaskEvent = { type: "StepCompleted", data: { stepSeq: 1, workerId: "w1", evidence: "200 OK" } };
const CITED: TaskEvent = { type: "SopItemChecked", data: { key: "cite_sources", workerId: "w1", note: null } };
const holder = { workerId: "w1", claimToken: "tok1" } as const;

describe("task decider: enqueue", () => {
  const enqueue: TaskCommand = {
    type: "EnqueueTask",
    taskId: "t1",
    colonyId: "c1",
    seq: 0,
    source: "test",
    task: {
      goal: "summarise the report",
      payload: { url: "https://example.org/report" },
      maxRetries: 2,
      steps: [{ title: "fetch" }, { title: "summarise", detail: "in five lines" }],
      sopItems: [
        { key: "cite_sources", description: "every claim cites the report" },
        { key: "spellcheck", description: "optional polish", required: false },
      ],
    },
  };

  it("seeds a new task with the original's defaults filled in", () => {
    task.given().when(enqueue).thenEmits([SEEDED]);
  });

  it("refuses a task id that already exists", () => {
    task.given(SEEDED).when(enqueue).thenRefused("task_already_exists", { taskId: "t1", status: "pending" });
  });

  it("validates a command from outside, naming the field", () => {
    expect(() => parseTaskCommand({ ...enqueue, task: { goal: "" } })).toThrow(InvalidCommandError);
    expect(() => parseTaskCommand({ type: "ClaimTask", workerId: "w 1", claimToken: "x" })).toThrow(/workerId/);
    expect(parseTaskCommand({ type: "ClaimTask", workerId: "w1", claimToken: "x" })).toEqual({
      type: "ClaimTask",
      workerId: "w1",
      claimToken: "x",
    });
  });
});

describe("task decider: claim", () => {
  it("claims a pending task with the caller's token", () => {
    task
      .given(SEEDED)
      .when({ type: "ClaimTask", workerId: "w2", claimToken: "tok2" })
      .thenEmits([{ type: "TaskClaimed", data: { workerId: "w2", claimToken: "tok2" } }]);
  });

  it("refuses a task that is already claimed, saying by whom", () => {
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "ClaimTask", workerId: "w2", claimToken: "tok2" })
      .thenRefused("task_already_claimed", { taskId: "t1", workerId: "w1", status: "claimed" });
  });

  it("refuses a task in progress as already claimed too", () => {
    task
      .given(SEEDED, CLAIMED, STEP1_STARTED)
      .when({ type: "ClaimTask", workerId: "w2", claimToken: "tok2" })
      .thenRefused("task_already_claimed", { workerId: "w1", status: "in_progress" });
  });

  it("refuses a finished task", () => {
    task
      .given(SEEDED, CLAIMED, { type: "TaskCompleted", data: { ...holder, result: null } })
      .when({ type: "ClaimTask", workerId: "w2", claimToken: "tok2" })
      .thenRefused("task_finished", { status: "done" });
  });

  it("refuses a task that was never seeded", () => {
    task.given().when({ type: "ClaimTask", workerId: "w2", claimToken: "tok2" }).thenRefused("task_not_found");
  });

  it("claims again after a release", () => {
    task
      .given(SEEDED, CLAIMED, { type: "TaskReleased", data: { workerId: "w1", reason: "stale", retryCount: 1 } })
      .when({ type: "ClaimTask", workerId: "w2", claimToken: "tok2" })
      .thenEmits([{ type: "TaskClaimed", data: { workerId: "w2", claimToken: "tok2" } }]);
  });
});

describe("task decider: steps", () => {
  it("starts a step; the first one puts the task in progress", () => {
    const given = task.given(SEEDED, CLAIMED);
    expect(given.state?.status).toBe("claimed");
    given.when({ type: "StartStep", ...holder, stepSeq: 1 }).thenEmits([STEP1_STARTED]);
    expect(task.given(SEEDED, CLAIMED, STEP1_STARTED).state?.status).toBe("in_progress");
  });

  it("completes a started step with its evidence", () => {
    task
      .given(SEEDED, CLAIMED, STEP1_STARTED)
      .when({ type: "CompleteStep", ...holder, stepSeq: 1, evidence: "200 OK" })
      .thenEmits([STEP1_DONE]);
  });

  it("lets a new holder restart a step its predecessor left in progress", () => {
    task
      .given(
        SEEDED,
        CLAIMED,
        STEP1_STARTED,
        { type: "TaskReleased", data: { workerId: "w1", reason: "stale", retryCount: 1 } },
        { type: "TaskClaimed", data: { workerId: "w2", claimToken: "tok2" } },
      )
      .when({ type: "StartStep", workerId: "w2", claimToken: "tok2", stepSeq: 1 })
      .thenEmits([{ type: "StepStarted", data: { stepSeq: 1, workerId: "w2" } }]);
  });

  it("refuses an unknown step, listing the known ones", () => {
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "StartStep", ...holder, stepSeq: 7 })
      .thenRefused("unknown_step", { taskId: "t1", stepSeq: 7, knownSteps: [1, 2] });
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "CompleteStep", ...holder, stepSeq: 7, evidence: "" })
      .thenRefused("unknown_step", { stepSeq: 7 });
  });

  it("refuses completing a step that was not started", () => {
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "CompleteStep", ...holder, stepSeq: 2, evidence: "x" })
      .thenRefused("step_not_started", { stepSeq: 2 });
  });

  it("refuses starting or completing a completed step", () => {
    const given = task.given(SEEDED, CLAIMED, STEP1_STARTED, STEP1_DONE);
    given.when({ type: "StartStep", ...holder, stepSeq: 1 }).thenRefused("step_already_completed", { workerId: "w1" });
    given
      .when({ type: "CompleteStep", ...holder, stepSeq: 1, evidence: "again" })
      .thenRefused("step_already_completed", { stepSeq: 1 });
  });

  it("refuses step work without the claim", () => {
    task
      .given(SEEDED)
      .when({ type: "StartStep", ...holder, stepSeq: 1 })
      .thenRefused("task_not_claimed", { status: "pending" });
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "StartStep", workerId: "w2", claimToken: "tok2", stepSeq: 1 })
      .thenRefused("claim_token_mismatch", { workerId: "w2", holderWorkerId: "w1" });
  });
});

describe("task decider: SOP items", () => {
  it("ticks an SOP item, with or without a note", () => {
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "CheckSopItem", ...holder, key: "cite_sources", note: null })
      .thenEmits([CITED]);
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "CheckSopItem", ...holder, key: "spellcheck", note: "clean" })
      .thenEmits([{ type: "SopItemChecked", data: { key: "spellcheck", workerId: "w1", note: "clean" } }]);
  });

  it("refuses an unknown key, listing the known ones", () => {
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "CheckSopItem", ...holder, key: "nope", note: null })
      .thenRefused("unknown_sop_item", { key: "nope", knownKeys: ["cite_sources", "spellcheck"] });
  });

  it("refuses ticking an item twice, saying who ticked it", () => {
    task
      .given(SEEDED, CLAIMED, CITED)
      .when({ type: "CheckSopItem", ...holder, key: "cite_sources", note: null })
      .thenRefused("sop_item_already_checked", { key: "cite_sources", checkedBy: "w1" });
  });

  it("refuses a tick by a worker that does not hold the claim", () => {
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "CheckSopItem", workerId: "w1", claimToken: "forged", key: "cite_sources", note: null })
      .thenRefused("claim_token_mismatch", { holderWorkerId: "w1" });
  });
});

describe("task decider: complete and fail", () => {
  it("completes once every required SOP item is ticked (optional ones may stay open)", () => {
    task
      .given(SEEDED, CLAIMED, STEP1_STARTED, CITED)
      .when({ type: "CompleteTask", ...holder, result: { lines: 5 } })
      .thenEmits([{ type: "TaskCompleted", data: { ...holder, result: { lines: 5 } } }]);
  });

  it("refuses completion while a required SOP item is open, naming it", () => {
    const refusal = task
      .given(SEEDED, CLAIMED)
      .when({ type: "CompleteTask", ...holder, result: null })
      .thenRefused("sop_items_open", { taskId: "t1" });
    expect(refusal.details.openKeys).toEqual(["cite_sources"]);
  });

  it("refuses completion without the claim token", () => {
    task
      .given(SEEDED, CLAIMED, CITED)
      .when({ type: "CompleteTask", workerId: "w1", claimToken: "tok-old", result: null })
      .thenRefused("claim_token_mismatch", { workerId: "w1", holderWorkerId: "w1" });
    task
      .given(SEEDED)
      .when({ type: "CompleteTask", ...holder, result: null })
      .thenRefused("task_not_claimed", { status: "pending" });
  });

  it("refuses completing a task twice", () => {
    task
      .given(SEEDED, CLAIMED, CITED, { type: "TaskCompleted", data: { ...holder, result: null } })
      .when({ type: "CompleteTask", ...holder, result: null })
      .thenRefused("task_finished", { status: "done" });
  });

  it("refuses completion by a holder whose claim was reclaimed", () => {
    task
      .given(SEEDED, CLAIMED, CITED, { type: "TaskReleased", data: { workerId: "w1", reason: "stale", retryCount: 1 } })
      .when({ type: "CompleteTask", ...holder, result: null })
      .thenRefused("task_not_claimed", { status: "pending" });
  });

  it("fails a task for its holder", () => {
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "FailTask", ...holder, error: "source unreachable" })
      .thenEmits([{ type: "TaskFailed", data: { workerId: "w1", error: "source unreachable", reason: "error" } }]);
  });

  it("refuses failing a task one does not hold, or one already failed", () => {
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "FailTask", workerId: "w2", claimToken: "tok1", error: "x" })
      .thenRefused("claim_token_mismatch", { workerId: "w2", holderWorkerId: "w1" });
    task
      .given(SEEDED, CLAIMED, { type: "TaskFailed", data: { workerId: "w1", error: "x", reason: "error" } })
      .when({ type: "FailTask", ...holder, error: "again" })
      .thenRefused("task_finished", { status: "failed" });
  });
});

describe("task decider: release and stale reclaim", () => {
  it("releases a stopped worker's claim without counting a retry", () => {
    task
      .given(SEEDED, CLAIMED)
      .when({ type: "ReleaseTask", ...holder })
      .thenEmits([{ type: "TaskReleased", data: { workerId: "w1", reason: "worker_stopped", retryCount: 0 } }]);
    task
      .given(SEEDED)
      .when({ type: "ReleaseTask", ...holder })
      .thenRefused("task_not_claimed");
  });

  const reclaim = (now: string): TaskCommand => ({ type: "ReclaimStaleTask", now, staleAfterMs: 15 * 60_000 });

  it("returns a stale claim to pending with retry_count + 1, keeping step progress", () => {
    task
      .given(SEEDED, CLAIMED, STEP1_STARTED, STEP1_DONE)
      .when(reclaim("2025-01-01T10:15:00.000Z"))
      .thenEmits([{ type: "TaskReleased", data: { workerId: "w1", reason: "stale", retryCount: 1 } }]);
    const after = task.given(SEEDED, CLAIMED, STEP1_STARTED, STEP1_DONE, {
      type: "TaskReleased",
      data: { workerId: "w1", reason: "stale", retryCount: 1 },
    }).state;
    expect(after).toMatchObject({ status: "pending", claim: null, retryCount: 1 });
    expect(after?.steps[0]?.status).toBe("done");
  });

  it("fails a stale claim once retry_count has reached max_retries", () => {
    const released = (retryCount: number): TaskEvent => ({
      type: "TaskReleased",
      data: { workerId: "w1", reason: "stale", retryCount },
    });
    task
      .given(SEEDED, CLAIMED, released(1), CLAIMED, released(2), CLAIMED)
      .when(reclaim("2025-01-02T00:00:00.000Z"))
      .thenEmits([{ type: "TaskFailed", data: { workerId: "w1", error: STALE_CLAIM_ERROR, reason: "max_retries" } }]);
  });

  it("leaves a fresh claim alone, saying when it would be stale", () => {
    task.given(SEEDED, CLAIMED).when(reclaim("2025-01-01T10:14:59.999Z")).thenRefused("claim_not_stale", {
      workerId: "w1",
      claimedAt: CLAIMED_AT,
      staleAt: "2025-01-01T10:15:00.000Z",
    });
  });

  it("judges staleness by the current claim, not an earlier one", () => {
    task
      .given(
        SEEDED,
        CLAIMED,
        { type: "TaskReleased", data: { workerId: "w1", reason: "stale", retryCount: 1 } },
        at<TaskEvent>("2025-01-01T11:00:00.000Z", {
          type: "TaskClaimed",
          data: { workerId: "w2", claimToken: "tok2" },
        }),
      )
      .when(reclaim("2025-01-01T11:05:00.000Z"))
      .thenRefused("claim_not_stale", { workerId: "w2" });
  });

  it("refuses to reclaim a claim whose time is unknown, a pending task, or a finished one", () => {
    task
      .given(SEEDED, { type: "TaskClaimed", data: holder })
      .when(reclaim("2030-01-01T00:00:00.000Z"))
      .thenRefused("claim_not_stale", { claimedAt: null });
    task.given(SEEDED).when(reclaim("2030-01-01T00:00:00.000Z")).thenRefused("task_not_claimed");
    task
      .given(SEEDED, CLAIMED, { type: "TaskFailed", data: { workerId: "w1", error: "x", reason: "error" } })
      .when(reclaim("2030-01-01T00:00:00.000Z"))
      .thenRefused("task_finished", { status: "failed" });
  });
});

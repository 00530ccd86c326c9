import { describe, expect, it } from "vitest";
import { planColonyCreation } from "../../../src/domain/deciders/colony-creation.js";
import { InvalidTaskSeedError, planTaskSeed } from "../../../src/domain/deciders/task-seed.js";
import { catalogue } from "../../../src/domain/events/catalogue.js";
import { parseStreamId } from "../../../src/domain/stream-id.js";

function counter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

function seedError(run: () => unknown): InvalidTaskSeedError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTaskSeedError);
    return error as InvalidTaskSeedError;
  }
  throw new Error("expected the seed to be refused");
}

describe("planTaskSeed", () => {
  it("gives each task its own stream, expected not to exist, in input order with defaults filled in", () => {
    const plan = planTaskSeed(
      "c1",
      [
        { goal: "first" },
        {
          id: "given",
          goal: "second",
          priority: 5,
          payload: "raw text",
          maxRetries: 0,
          parentTaskId: "first",
          steps: [{ title: "a" }, { title: "b", seq: 10, detail: "d" }],
          sopItems: [{ key: "k", description: "check k", required: false, note: "n" }],
        },
      ],
      { newTaskId: counter("t"), source: "cli", firstSeq: 100 },
    );
    expect(plan.taskIds).toEqual(["t1", "given"]);
    expect(plan.appends.map((a) => [a.streamId, a.expectedVersion])).toEqual([
      ["task-t1", "no_stream"],
      ["task-given", "no_stream"],
    ]);
    expect(plan.appends[0]?.events).toEqual([
      {
        type: "TaskSeeded",
        data: {
          taskId: "t1",
          colonyId: "c1",
          goal: "first",
          seq: 100,
          priority: 0,
          payload: null,
          maxRetries: 3,
          parentTaskId: null,
          source: "cli",
          steps: [],
          sopItems: [],
        },
      },
    ]);
    expect(plan.appends[1]?.events[0]?.data).toMatchObject({
      seq: 101,
      priority: 5,
      payload: "raw text",
      maxRetries: 0,
      steps: [
        { seq: 1, title: "a", detail: null },
        { seq: 10, title: "b", detail: "d" },
      ],
      sopItems: [{ key: "k", description: "check k", required: false, note: "n" }],
    });
    for (const append of plan.appends) {
      for (const event of append.events)
        catalogue.validate(parseStreamId(append.streamId).category, event.type, event.data);
    }
  });

  it("refuses the whole batch when one task is invalid, naming the task index and field", () => {
    const tasks = [{ goal: "fine" }, { goal: "fine too" }, { goal: "" }, { goal: "also fine" }];
    const error = seedError(() => planTaskSeed("c1", tasks, { newTaskId: counter("t") }));
    expect(error.code).toBe("invalid_task_seed");
    expect(error.details).toMatchObject({ taskIndex: 2, field: "goal" });
    expect(error.message).toMatch(/^task\[2\]\.goal: /);
  });

  it("names nested fields and unknown keys, and lists every problem", () => {
    const tasks = [
      { goal: "a", steps: [{ title: "ok" }, { title: "" }] },
      { goal: "b", sop_items: [] },
    ];
    const error = seedError(() => planTaskSeed("c1", tasks, { newTaskId: counter("t") }));
    expect(error.details).toMatchObject({ taskIndex: 0, field: "steps.1.title" });
    expect(error.issues.map((i) => i.path)).toEqual(["task[0].steps.1.title", "task[1]"]);
    expect(error.issues[1]?.message).toMatch(/sop_items/);
  });

  it("refuses duplicate step seqs, SOP keys and task ids, which would make later commands ambiguous", () => {
    expect(
      seedError(() =>
        planTaskSeed("c1", [{ goal: "a", steps: [{ title: "x" }, { title: "y", seq: 1 }] }], {
          newTaskId: counter("t"),
        }),
      ).details,
    ).toMatchObject({ taskIndex: 0, field: "steps.1.seq" });
    expect(
      seedError(() =>
        planTaskSeed(
          "c1",
          [
            {
              goal: "a",
              sopItems: [
                { key: "k", description: "one" },
                { key: "k", description: "two" },
              ],
            },
          ],
          { newTaskId: counter("t") },
        ),
      ).details,
    ).toMatchObject({ taskIndex: 0, field: "sopItems.1.key" });
    expect(
      seedError(() =>
        planTaskSeed("c1", [{ id: "x", goal: "a" }, { goal: "b" }, { id: "x", goal: "c" }], {
          newTaskId: counter("t"),
        }),
      ).details,
    ).toMatchObject({ taskIndex: 2, field: "id" });
  });

  it("refuses a batch that is not an array", () => {
    expect(seedError(() => planTaskSeed("c1", { goal: "a" }, { newTaskId: counter("t") })).details).toMatchObject({
      taskIndex: null,
      field: "tasks",
    });
  });

  it("plans 10,000 tasks", () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({ goal: `task ${i}`, priority: i % 7 }));
    const plan = planTaskSeed("c1", tasks, { newTaskId: counter("t") });
    expect(plan.appends).toHaveLength(10_000);
    expect(new Set(plan.taskIds).size).toBe(10_000);
  });
});

describe("planColonyCreation", () => {
  const create = {
    type: "CreateColony" as const,
    colonyId: "c1",
    name: "research",
    sourceSessionId: null,
    workerProfile: { systemPrompt: "", toolNames: [], loopConfig: {}, inputData: {} },
    concurrencyHint: null,
  };

  it("puts the colony's creation first, then one stream per task", () => {
    const plan = planColonyCreation(create, [{ goal: "a" }, { goal: "b" }], { newTaskId: counter("t") });
    expect(plan.appends.map((a) => a.streamId)).toEqual(["colony-c1", "task-t1", "task-t2"]);
    expect(plan.appends.every((a) => a.expectedVersion === "no_stream")).toBe(true);
    expect(plan.appends[0]?.events).toEqual([
      {
        type: "ColonyCreated",
        data: {
          colonyId: "c1",
          name: "research",
          sourceSessionId: null,
          workerProfile: create.workerProfile,
          concurrencyHint: null,
        },
      },
    ]);
  });

  it("refuses the whole plan, colony included, when a task is invalid", () => {
    const error = seedError(() =>
      planColonyCreation(create, [{ goal: "a" }, { priority: 1 }], { newTaskId: counter("t") }),
    );
    expect(error.details).toMatchObject({ taskIndex: 1, field: "goal" });
  });
});

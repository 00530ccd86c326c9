import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SqliteEventStore } from "../../src/adapters/sqlite/sqlite-event-store.js";
import { colonyDecider } from "../../src/domain/deciders/colony.js";
import { planColonyCreation } from "../../src/domain/deciders/colony-creation.js";
import { CommandRefusedError } from "../../src/domain/deciders/refusal.js";
import { type TaskCommand, taskDecider } from "../../src/domain/deciders/task.js";
import type { NewEvent, RecordedEvent } from "../../src/domain/envelope.js";
import { InvalidEventError } from "../../src/domain/errors.js";
import type { AppendOptions, EventStore, ReadStreamOptions } from "../../src/domain/ports/event-store.js";
import { CommandRetriesExhaustedError, handleCommand } from "../../src/runtime/command-handler.js";

const dir = mkdtempSync(join(tmpdir(), "colonylog-command-handler-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opened: SqliteEventStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

let counter = 0;
function openStore(): SqliteEventStore {
  const store = SqliteEventStore.open(join(dir, `log-${++counter}.db`));
  opened.push(store);
  return store;
}

const TASK = "task-t1";
const claim = (workerId: string): TaskCommand => ({ type: "ClaimTask", workerId, claimToken: `token-of-${workerId}` });

/** A colony with one task `t1` (steps 1 and 2, required SOP item `verify`), written as the seed writes it. */
async function seededStore(): Promise<SqliteEventStore> {
  const store = openStore();
  const plan = planColonyCreation(
    {
      type: "CreateColony",
      colonyId: "c1",
      name: "research",
      sourceSessionId: null,
      workerProfile: { systemPrompt: "", toolNames: [], loopConfig: {}, inputData: {} },
      concurrencyHint: null,
    },
    [
      {
        id: "t1",
        goal: "summarise",
        steps: [{ title: "fetch" }, { title: "write" }],
        sopItems: [{ key: "verify", description: "numbers checked" }],
      },
    ],
    { newTaskId: () => "unused" },
  );
  await store.appendMany(plan.appends);
  return store;
}

async function streamTypes(store: EventStore, streamId: string): Promise<string[]> {
  const types: string[] = [];
  for await (const event of store.readStream(streamId)) types.push(event.type);
  return types;
}

/** Delegates to a real store, letting a test step in around reads and appends. */
class InterposedStore implements EventStore {
  reads = 0;
  appends = 0;
  beforeAppend: (streamId: string) => Promise<void> = async () => {};

  constructor(readonly inner: EventStore) {}

  async *readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    yield* this.inner.readStream(streamId, options);
    this.reads++;
  }
  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions) {
    this.appends++;
    await this.beforeAppend(streamId);
    return this.inner.append(streamId, events, options);
  }
  appendMany: EventStore["appendMany"] = (appends) => this.inner.appendMany(appends);
  readAll: EventStore["readAll"] = (options) => this.inner.readAll(options);
  subscribe: EventStore["subscribe"] = (options) => this.inner.subscribe(options);
  headPosition: EventStore["headPosition"] = () => this.inner.headPosition();
  streamVersion: EventStore["streamVersion"] = (streamId) => this.inner.streamVersion(streamId);
  close: EventStore["close"] = () => this.inner.close();
}

describe("handleCommand on a SQLite file", () => {
  it("folds the stream, decides and appends with the version it read", async () => {
    const store = await seededStore();
    const result = await handleCommand(store, taskDecider, TASK, claim("w1"));
    expect(result.attempts).toBe(1);
    expect(result.version).toBe(1n);
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({
      streamId: TASK,
      version: 1n,
      type: "TaskClaimed",
      data: { workerId: "w1", claimToken: "token-of-w1" },
    });
    expect(result.events[0]?.position).toBe(await store.headPosition());
    expect(result.state).toMatchObject({
      status: "claimed",
      claim: { workerId: "w1", claimedAt: result.events[0]?.metadata.recordedAt },
    });
  });

  it("creates a stream that does not exist yet, expecting no stream", async () => {
    const store = openStore();
    const enqueue: TaskCommand = {
      type: "EnqueueTask",
      taskId: "t9",
      colonyId: "c1",
      seq: 0,
      source: "test",
      task: { goal: "one more" },
    };
    const result = await handleCommand(store, taskDecider, "task-t9", enqueue);
    expect(result.version).toBe(0n);
    expect(result.state).toMatchObject({ taskId: "t9", status: "pending", retryCount: 0 });
    await expect(handleCommand(store, taskDecider, "task-t9", enqueue)).rejects.toMatchObject({
      code: "task_already_exists",
    });
  });

  it("carries a task through its whole life, each command on the state the previous ones left", async () => {
    const store = await seededStore();
    const holder = { workerId: "w1", claimToken: "token-of-w1" };
    await handleCommand(store, taskDecider, TASK, claim("w1"));
    await handleCommand(store, taskDecider, TASK, { type: "StartStep", ...holder, stepSeq: 1 });
    await handleCommand(store, taskDecider, TASK, { type: "CompleteStep", ...holder, stepSeq: 1, evidence: "ok" });
    await handleCommand(store, taskDecider, TASK, { type: "CheckSopItem", ...holder, key: "verify", note: null });
    const done = await handleCommand(store, taskDecider, TASK, {
      type: "CompleteTask",
      ...holder,
      result: "five lines",
    });
    expect(done.state?.status).toBe("done");
    expect(done.version).toBe(5n);
    expect(await streamTypes(store, TASK)).toEqual([
      "TaskSeeded",
      "TaskClaimed",
      "StepStarted",
      "StepCompleted",
      "SopItemChecked",
      "TaskCompleted",
    ]);
  });

  it("lets exactly one of two racing claims win; the other is refused as already claimed after a retry", async () => {
    const store = new InterposedStore(await seededStore());
    // Both handlers have read version 0 before either appends, so the race is certain, not likely.
    let release: () => void = () => {};
    const bothRead = new Promise<void>((resolve) => {
      release = resolve;
    });
    store.beforeAppend = async () => {
      if (store.reads >= 2) release();
      await bothRead;
    };
    const outcomes = await Promise.allSettled([
      handleCommand(store, taskDecider, TASK, claim("w1")),
      handleCommand(store, taskDecider, TASK, claim("w2")),
    ]);
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.filter((o) => o.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = won[0]?.status === "fulfilled" ? won[0].value.events[0]?.data : undefined;
    const refusal = lost[0]?.status === "rejected" ? lost[0].reason : undefined;
    expect(refusal).toBeInstanceOf(CommandRefusedError);
    expect(refusal).toMatchObject({
      code: "task_already_claimed",
      details: { taskId: "t1", workerId: (winner as { workerId: string }).workerId },
    });
    // Two first reads, one re-read by the loser after its conflict; two appends, one of them refused.
    expect(store.reads).toBe(3);
    expect(store.appends).toBe(2);
    expect(await streamTypes(store, TASK)).toEqual(["TaskSeeded", "TaskClaimed"]);
  });

  it("drains twenty concurrent claimers on one task to one claim", async () => {
    const store = await seededStore();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => handleCommand(store, taskDecider, TASK, claim(`w${i}`))),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") expect(outcome.reason).toMatchObject({ code: "task_already_claimed" });
    }
    expect(await streamTypes(store, TASK)).toEqual(["TaskSeeded", "TaskClaimed"]);
  });

  it("gives up with a typed error saying how many attempts it made when the stream keeps moving", async () => {
    const real = await seededStore();
    await handleCommand(real, taskDecider, TASK, claim("w1"));
    const store = new InterposedStore(real);
    // Another writer slips an event in between every read and append of the handler.
    store.beforeAppend = async (streamId) => {
      await real.append(streamId, [{ type: "StepStarted", data: { stepSeq: 1, workerId: "w1" } }], {
        expectedVersion: "any",
      });
    };
    const check: TaskCommand = {
      type: "CheckSopItem",
      workerId: "w1",
      claimToken: "token-of-w1",
      key: "verify",
      note: null,
    };
    const error = await handleCommand(store, taskDecider, TASK, check, { maxAttempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandRetriesExhaustedError);
    expect(error).toMatchObject({ code: "command_retries_exhausted", details: { streamId: TASK, attempts: 3 } });
    expect((error as Error).message).toMatch(/after 3 attempts/);
    expect(store.appends).toBe(3);
    expect(await streamTypes(real, TASK)).toEqual([
      "TaskSeeded",
      "TaskClaimed",
      "StepStarted",
      "StepStarted",
      "StepStarted",
    ]);
  });

  it("appends nothing for a refused command", async () => {
    const store = new InterposedStore(await seededStore());
    await handleCommand(store, taskDecider, TASK, claim("w1"));
    const head = await store.headPosition();
    const appends = store.appends;
    const complete: TaskCommand = { type: "CompleteTask", workerId: "w1", claimToken: "token-of-w1", result: null };
    await expect(handleCommand(store, taskDecider, TASK, complete)).rejects.toMatchObject({
      code: "sop_items_open",
      details: { openKeys: ["verify"] },
    });
    expect(store.appends).toBe(appends);
    expect(await store.headPosition()).toBe(head);
    expect(await store.streamVersion(TASK)).toBe(1n);
  });

  it("appends nothing when the decision is no change, and returns the state read", async () => {
    const store = await seededStore();
    await handleCommand(store, colonyDecider, "colony-c1", { type: "PauseTimers", reason: "night" });
    const head = await store.headPosition();
    const again = await handleCommand(store, colonyDecider, "colony-c1", { type: "PauseTimers", reason: "night" });
    expect(again).toMatchObject({ events: [], version: 1n, attempts: 1, state: { timersPaused: true } });
    expect(await store.headPosition()).toBe(head);
  });

  it("does not retry what is not a version conflict", async () => {
    const store = new InterposedStore(await seededStore());
    // Typed commands skip the zod parse of the edge; the store's catalogue still refuses the event.
    const bad: TaskCommand = { type: "ClaimTask", workerId: "not an id", claimToken: "x" };
    await expect(handleCommand(store, taskDecider, TASK, bad)).rejects.toBeInstanceOf(InvalidEventError);
    expect(store.appends).toBe(1);
    expect(await store.streamVersion(TASK)).toBe(0n);
  });

  it("stamps the given metadata on every appended event", async () => {
    const store = await seededStore();
    const result = await handleCommand(store, taskDecider, TASK, claim("w1"), {
      metadata: { correlationId: "req-42", actor: "worker:w1" },
    });
    expect(result.events[0]?.metadata).toMatchObject({ correlationId: "req-42", actor: "worker:w1" });
  });

  it("refuses a retry budget that is not a positive integer", async () => {
    const store = await seededStore();
    await expect(handleCommand(store, taskDecider, TASK, claim("w1"), { maxAttempts: 0 })).rejects.toThrow(RangeError);
    expect(await store.streamVersion(TASK)).toBe(0n);
  });
});

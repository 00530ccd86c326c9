import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toEventJson } from "../../../src/adapters/cli/event-json.js";
import { openColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import { sample } from "../../support/sample-events.js";
import { cli, collect, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
let db: string;
beforeEach(async () => {
  tmp = tempDir();
  db = tmp.path("log.db");
  await story(db);
});
afterEach(() => tmp.remove());

/**
 * A session s1 spawns colony c1 (positions 1-4); its colony queen's session s2 (5); a timer
 * trigger (6); task t1 (7) claimed by w1 (10), released stale (11), claimed by w2 (12) and done
 * by it (13-16); worker w1 spawned by s2 (8-9) reports at 20; s2 delegates d1 (17-19); task t2 is
 * seeded last (21) and stays pending.
 */
async function story(file: string): Promise<void> {
  const store = SqliteEventStore.open(file);
  const add = (streamId: string, ...events: ReturnType<typeof sample>[]) =>
    store.append(streamId, events, { expectedVersion: "any" });
  try {
    await add("session-s1", sample("SessionStarted", { sessionId: "s1", conversationId: "k1" }));
    await add("colony-c1", sample("ColonyCreated"));
    await add("session-s1", sample("ColonySpawned"), sample("SessionLocked"));
    await add(
      "session-s2",
      sample("SessionStarted", {
        sessionId: "s2",
        conversationId: "k2",
        colonyId: "c1",
        phase: "working",
        provenance: { kind: "forked", fromSessionId: "s1" },
      }),
    );
    await add("colony-c1", sample("TriggerRegistered"));
    await add("task-t1", sample("TaskSeeded"));
    await add("worker-w1", sample("WorkerSpawned", { parentSessionId: "s2" }), sample("WorkerStarted"));
    await add(
      "task-t1",
      sample("TaskClaimed"),
      sample("TaskReleased"),
      sample("TaskClaimed", { workerId: "w2", claimToken: "ct2" }),
      sample("StepStarted", { workerId: "w2" }),
      sample("StepCompleted", { workerId: "w2" }),
      sample("SopItemChecked", { workerId: "w2", note: "cited as [1]" }),
      sample("TaskCompleted", { workerId: "w2", claimToken: "ct2" }),
    );
    await add(
      "session-s2",
      sample("DelegationDispatched"),
      sample("DelegationCompleted"),
      sample("DelegationDelivered", { conversationId: "k2" }),
    );
    await add("worker-w1", sample("WorkerReported"));
    await add("task-t2", sample("TaskSeeded", { taskId: "t2", goal: "read paper 2", seq: 2, steps: [], sopItems: [] }));
  } finally {
    await store.close();
  }
}

const historyTypes = (stdout: string) => {
  const lines = stdout.split("\n");
  const at = lines.findIndex((l) => l.startsWith("history ("));
  return lines.slice(at + 2, -1).map((l) => l.trim().split(/\s+/)[3]);
};

describe("colony inspect task", () => {
  it("shows the status, every claim from the stream, the steps with evidence, the SOP items and the history", async () => {
    const run = await cli(["inspect", "task", "t1", "--db", db]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("task t1 at the head (position 21)");
    expect(run.stdout).toContain("  status         done (worker w2)\n");
    expect(run.stdout).toContain("  retries        1/3\n");
    const claims = lines.slice(lines.indexOf("claims (2):") + 2, lines.indexOf("claims (2):") + 4);
    expect(claims[0]).toMatch(/^ {2}1 {2}w1 +\S+Z {2}released \(stale\)$/);
    expect(claims[1]).toMatch(/^ {2}3 {2}w2 +\S+Z {2}completed$/);
    expect(run.stdout).toMatch(
      /steps \(1\/1 done\):\n {4}1 {2}done {2}download\n {7}evidence: saved to notes\n {7}by w2\n {7}started \S+Z, completed \S+Z\n/,
    );
    expect(run.stdout).toContain("SOP items (1/1 checked):\n    [x]  cite, required: cite the source\n");
    expect(run.stdout).toContain("         note: cited as [1]\n");
    expect(historyTypes(run.stdout)).toEqual([
      "TaskSeeded",
      "TaskClaimed",
      "TaskReleased",
      "TaskClaimed",
      "StepStarted",
      "StepCompleted",
      "SopItemChecked",
      "TaskCompleted",
    ]);
    expect(run.stdout).toMatch(/history \(8 events on task-t1\):\n {2}V {2}POSITION .*\n {2}0 {2}#7 {7}/);
    // Nothing was ever folded into this file: it says so, and folds in memory.
    expect(run.stderr).toContain("the progress_ledger read model in this log was never built here");
  });

  it("--at shows the task as it was then: the first claim still held, later events not yet there", async () => {
    const run = await cli(["inspect", "task", "t1", "--db", db, "--at", "10"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout.split("\n")[0]).toBe("task t1 at position 10 (head 21)");
    expect(run.stdout).toContain("  status         claimed (worker w1)\n");
    expect(run.stdout).toMatch(/claims \(1\):\n.*\n {2}1 {2}w1 +\S+Z {2}held\n/);
    expect(run.stdout).toContain("steps (0/1 done):\n    1  pending  download\n       evidence: -\nSOP items");
    expect(run.stdout).toContain("    [ ]  cite, required: cite the source\n         open\n");
    expect(historyTypes(run.stdout)).toEqual(["TaskSeeded", "TaskClaimed"]);

    const before = await cli(["inspect", "task", "t1", "--db", db, "--at", "6"]);
    expect(before.code).toBe(1);
    expect(before.stdout).toBe("");
    expect(before.stderr).toBe("error: no task t1 at position 6 [unknown_task]\n");
  });
});

describe("colony inspect worker", () => {
  it("--json prints one object: the worker, its report, its ledger tasks and its stream's events as stored", async () => {
    const run = await cli(["inspect", "worker", "w1", "--db", db, "--json"]);
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith("}\n")).toBe(true);
    const printed = JSON.parse(run.stdout);
    expect(printed.position).toBe(21);
    expect(printed.head).toBe(21);
    expect(printed.worker).toMatchObject({
      id: "w1",
      colonyId: "c1",
      status: "reported",
      attempt: 1,
      conversationId: "k2",
      parentSessionId: "s2",
      batchId: "b1",
      batchIndex: 0,
    });
    expect(printed.report).toEqual({
      status: "success",
      summary: "read it",
      data: { pages: 12 },
      error: null,
      durationMs: 5000,
      inputTokens: 1000,
      outputTokens: 200,
    });
    // Its claim of t1 was released: the ledger's holder is w2 now.
    expect(printed.tasks).toEqual([]);
    const store = SqliteEventStore.open(db);
    try {
      expect(printed.history).toEqual((await collect(store.readStream("worker-w1"))).map(toEventJson));
    } finally {
      await store.close();
    }
  });

  it("prints its task, conversation, attempts and report; before the report, none", async () => {
    const now = await cli(["inspect", "worker", "w1", "--db", db]);
    expect(now.stdout).toContain("  status          reported, attempt 1\n");
    expect(now.stdout).toContain("  conversation    k2\n");
    expect(now.stdout).toContain("  batch           b1, index 0\n");
    expect(now.stdout).toContain("report: success\n  summary   read it\n");
    expect(now.stdout).toContain("  duration  5000 ms\n  tokens    1000 in, 200 out\n");
    const then = await cli(["inspect", "worker", "w1", "--db", db, "--at", "9"]);
    expect(then.stdout).toContain("  status          running, attempt 1\n");
    expect(then.stdout).toContain("report: none yet\n");
    expect(historyTypes(then.stdout)).toEqual(["WorkerSpawned", "WorkerStarted"]);
  });
});

describe("colony inspect session", () => {
  it("shows the phase, the lock and the colony spawned, the delegations and the workers it spawned", async () => {
    const queen = await cli(["inspect", "session", "s1", "--db", db]);
    expect(queen.code).toBe(0);
    expect(queen.stdout).toContain("  colony        - (an independent queen)\n");
    expect(queen.stdout).toContain("  spawn         locked: spawned colony research_colony (id c1)\n");
    expect(historyTypes(queen.stdout)).toEqual(["SessionStarted", "ColonySpawned", "SessionLocked"]);

    const colonyQueen = await cli(["inspect", "session", "s2", "--db", db]);
    expect(colonyQueen.stdout).toContain("  phase         working\n");
    expect(colonyQueen.stdout).toContain("  provenance    forked from session s1\n");
    expect(colonyQueen.stdout).toContain(
      "delegations (1):\n  d1  completed (success)\n    goal        summarise the paper\n",
    );
    expect(colonyQueen.stdout).toMatch(/ {4}delivered {3}delivered as seq 7 at \S+Z\n/);
    expect(colonyQueen.stdout).toContain("    run         1200 ms, 3 model calls, exit reported\n");
    expect(colonyQueen.stdout).toMatch(/workers spawned by this session \(1\):\n.*\n {2}w1 {2}reported/);

    const dispatched = await cli(["inspect", "session", "s2", "--db", db, "--at", "17"]);
    expect(dispatched.stdout).toContain("  d1  running\n");
    expect(dispatched.stdout).toContain("    delivered   not delivered yet\n");
  });
});

describe("colony inspect colony", () => {
  it("finds the colony by id or by name and shows its ledger counts, workers, sessions and triggers", async () => {
    const byName = await cli(["inspect", "colony", "research_colony", "--db", db]);
    expect(byName.code).toBe(0);
    const byId = await cli(["inspect", "colony", "c1", "--db", db]);
    expect(byId.stdout).toBe(byName.stdout);
    const lines = byName.stdout.split("\n");
    expect(lines[0]).toBe("colony research_colony (id c1) at the head (position 21)");
    expect(byName.stdout).toContain("  source session  s1\n");
    expect(byName.stdout).toContain("  concurrency     4\n");
    expect(byName.stdout).toContain(
      "    tools          claim_task, report_to_parent\n    loop           maxIterations=20\n",
    );
    expect(byName.stdout).toContain("ledger: 2 tasks (1 pending, 1 done); steps 1/1 done; SOP items 1/1 checked\n");
    expect(byName.stdout).toMatch(/workers \(1\):\n.*\n {2}w1 {2}reported {8}1 {6}0 {2}success {2}read it\n/);
    expect(byName.stdout).toMatch(
      /sessions \(2\):\n.*\n {2}s1 {2}independent {2}spawned it\n {2}s2 {2}working {6}colony queen\n/,
    );
    expect(byName.stdout).toMatch(/triggers \(1\):\n.*\n {2}t1 {2}timer +0 {2}- +active {2}check the inbox\n/);
    expect(historyTypes(byName.stdout)).toEqual(["ColonyCreated", "TriggerRegistered"]);

    const early = await cli(["inspect", "colony", "c1", "--db", db, "--at", "5"]);
    expect(early.stdout).toContain("ledger: 0 tasks; steps 0/0 done; SOP items 0/0 checked\n");
    expect(early.stdout).toContain("triggers (0):\n");
    expect(early.stdout).toContain("workers (0):\n");
  });

  it("reads the stored read models when they are up to date, with the same result", async () => {
    const inMemory = await cli(["inspect", "colony", "c1", "--db", db]);
    expect(inMemory.stderr).toContain("was never built here: folding the log in memory");
    const built = await openColonyDatabase(db, { warn: () => {} });
    await built.runner.catchUp();
    await built.close();
    const stored = await cli(["inspect", "colony", "c1", "--db", db]);
    expect(stored.stderr).toBe("");
    expect(stored.stdout).toBe(inMemory.stdout);
  });

  it("cuts every line to the terminal's width", async () => {
    for (const kind of ["colony", "session", "worker", "task"]) {
      const id = { colony: "c1", session: "s2", worker: "w1", task: "t1" }[kind] as string;
      const run = await cli(["inspect", kind, id, "--db", db], { columns: 50 });
      expect(run.code).toBe(0);
      for (const line of run.stdout.split("\n")) expect([...line].length, line).toBeLessThanOrEqual(50);
    }
  });
});

describe("unknown ids and missing logs", () => {
  it.each([
    ["colony", "error: no colony nope [unknown_colony]"],
    ["session", "error: no session nope [unknown_session]"],
    ["worker", "error: no worker nope [unknown_worker]"],
    ["task", "error: no task nope [unknown_task]"],
  ])("inspect %s exits 1 on an unknown id with a stable code", async (kind, message) => {
    const run = await cli(["inspect", kind, "nope", "--db", db]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n").at(-1)).toBe(message);
  });

  it("exits 1 on a missing log without creating it", async () => {
    const missing = tmp.path("missing.db");
    const run = await cli(["inspect", "worker", "w1", "--db", missing]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: no log at ${missing} [no_log]\n`);
    expect(existsSync(missing)).toBe(false);
  });
});

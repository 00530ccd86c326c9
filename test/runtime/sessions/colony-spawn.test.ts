import { describe, expect, it } from "vitest";
import { CommandRefusedError, InvalidCommandError } from "../../../src/domain/deciders/refusal.js";
import { InvalidTaskSeedError } from "../../../src/domain/deciders/task-seed.js";
import { answering, neverAnswering, throwing } from "../compaction/fake-providers.js";
import { LIMITS, sessionWorlds, TIMEOUT_MS } from "./session-fixture.js";

const world = sessionWorlds();

const TIMER = { kind: "timer", intervalSeconds: 3600, runImmediately: false } as const;

describe("colonySpawn", () => {
  it("forks the queen into a colony: tasks seeded, fork compacted, colony session started, source locked", async () => {
    const provider = answering("The person wants the words of every file counted.");
    const { sessions, conversations, ledger, queenSession, streamEvents, sessionRow, db } = await world(provider);
    const source = await queenSession(5);
    const before = await db.events.headPosition();

    const result = await sessions.colonySpawn(source.sessionId, {
      colonyName: "word_counts",
      task: "Count the words of each file",
      tasks: [
        { goal: "count a.txt", payload: { path: "a.txt" } },
        { goal: "count b.txt", priority: 2 },
      ],
      concurrencyHint: 4,
      triggers: [{ triggerId: "hourly", config: TIMER }],
    });

    expect(result).toMatchObject({
      colonyId: "word_counts",
      colonyName: "word_counts",
      isNew: true,
      sourceSessionId: source.sessionId,
      compactionStatus: "compacted",
      compaction: { method: "llm", throughSeq: 19, counts: { partsCompacted: 20 } },
    });
    // One atomic append: colony (created + trigger), 2 tasks, fork (2), colony session, source (2).
    expect(result.position - before).toBe(9n);

    const tasks = await ledger.tasks("word_counts");
    expect(tasks.map((t) => [t.id, t.goal, t.status, t.source])).toEqual([
      [result.taskIds[1], "count b.txt", "pending", "queen_create"],
      [result.taskIds[0], "count a.txt", "pending", "queen_create"],
    ]);

    const colony = await streamEvents("colony-word_counts");
    expect(colony.map((e) => e.type)).toEqual(["ColonyCreated", "TriggerRegistered"]);
    expect(colony[0]?.data).toMatchObject({
      name: "word_counts",
      sourceSessionId: source.sessionId,
      concurrencyHint: 4,
      workerProfile: {
        loopConfig: LIMITS,
        inputData: { colony_id: "word_counts", task_id: result.taskIds[0] },
      },
    });
    const profile = colony[0]?.data.workerProfile as { systemPrompt: string } | undefined;
    expect(profile?.systemPrompt).toContain("Task: Count the words of each file");
    expect(colony[1]?.data).toMatchObject({ triggerId: "hourly", maxConcurrent: 10, maxResurrections: 3 });

    // The colony queen's conversation: a fork of the source's, starting from the summary.
    const live = await conversations.live(result.conversationId);
    expect(live.ancestry.map((a) => a.conversationId)).toEqual([source.conversationId, result.conversationId]);
    expect(live.parts).toHaveLength(1);
    expect(live.parts[0]).toMatchObject({ summary: true, content: result.compaction?.summary });
    expect((await conversations.history(result.conversationId)).parts).toHaveLength(20);
    expect(provider.requests).toHaveLength(1);

    expect(await sessionRow(result.queenSessionId)).toMatchObject({
      colony_id: "word_counts",
      conversation_id: result.conversationId,
      phase: "working",
      provenance: JSON.stringify({ kind: "forked", fromSessionId: source.sessionId }),
      locked: 0,
    });
    expect(await sessionRow(source.sessionId)).toMatchObject({
      locked: 1,
      spawned_colony_id: "word_counts",
      spawned_colony_name: "word_counts",
    });
    expect((await streamEvents(`session-${source.sessionId}`)).slice(1)).toEqual([
      {
        type: "ColonySpawned",
        data: {
          colonyId: "word_counts",
          colonyName: "word_counts",
          conversationId: result.conversationId,
          taskCount: 2,
        },
      },
      { type: "SessionLocked", data: { colonyId: "word_counts", colonyName: "word_counts" } },
    ]);
    // The source's own conversation is not compacted: only the fork is.
    expect((await conversations.live(source.conversationId)).compaction).toBeNull();
  });

  it("refuses a second spawn from the locked session, appending nothing and not asking the model", async () => {
    const provider = answering("Summary.");
    const { sessions, queenSession, db } = await world(provider);
    const source = await queenSession(2);
    await sessions.colonySpawn(source.sessionId, { colonyName: "first", task: "one" });
    const head = await db.events.headPosition();

    const second = sessions.colonySpawn(source.sessionId, { colonyName: "second", task: "two" });

    await expect(second).rejects.toBeInstanceOf(CommandRefusedError);
    await expect(second).rejects.toMatchObject({
      code: "session_locked",
      details: { reason: "colony_spawned", spawnedColonyName: "first" },
    });
    expect(await db.events.headPosition()).toBe(head);
    expect(await db.events.streamVersion("colony-second")).toBe("no_stream");
    expect(provider.requests).toHaveLength(1);
  });

  it("refuses an invalid colony name or task before anything is written or asked", async () => {
    const provider = answering("Summary.");
    const { sessions, queenSession, db, sessionRow } = await world(provider);
    const source = await queenSession(2);
    const head = await db.events.headPosition();

    for (const colonyName of ["Word_Counts", "word-counts", "", "word counts"]) {
      const refused = sessions.colonySpawn(source.sessionId, { colonyName, task: "x" });
      await expect(refused).rejects.toBeInstanceOf(InvalidCommandError);
      await expect(refused).rejects.toMatchObject({ code: "invalid_command", issues: [{ path: "colonyName" }] });
    }
    const badTask = sessions.colonySpawn(source.sessionId, {
      colonyName: "ok",
      tasks: [{ goal: "fine" }, { goal: "" }],
    });
    await expect(badTask).rejects.toBeInstanceOf(InvalidTaskSeedError);
    await expect(badTask).rejects.toMatchObject({
      code: "invalid_task_seed",
      details: { taskIndex: 1, field: "goal" },
    });
    await expect(sessions.colonySpawn("nobody", { colonyName: "ok", task: "x" })).rejects.toMatchObject({
      code: "session_not_found",
    });

    expect(await db.events.headPosition()).toBe(head);
    expect(provider.requests).toHaveLength(0);
    expect((await sessionRow(source.sessionId)).locked).toBe(0);
  });

  it("compacts the fork extractively when the model fails or times out", async () => {
    const failing = await world(throwing());
    const a = await failing.queenSession(3);
    const failed = await failing.sessions.colonySpawn(a.sessionId, { colonyName: "c1", task: "t" });
    expect(failed.compaction).toMatchObject({ method: "extractive", fallbackReason: "failed" });
    expect((await failing.conversations.live(failed.conversationId)).parts[0]?.content).toMatch(
      /^Summary of 12 earlier messages \(extractive\)/,
    );

    const silent = await world(neverAnswering());
    const b = await silent.queenSession(3);
    const pending = silent.sessions.colonySpawn(b.sessionId, { colonyName: "c2", task: "t" });
    await silent.time.untilPending();
    await silent.time.advance(TIMEOUT_MS);
    const timedOut = await pending;
    expect(timedOut.compaction).toMatchObject({ method: "extractive", fallbackReason: "timeout" });
    expect((await silent.sessionRow(b.sessionId)).locked).toBe(1);
  });

  it("seeds the single task form as one task, and skips compaction of an empty conversation", async () => {
    const { sessions, queenSession, ledger, conversations } = await world(answering("unused"));
    const source = await queenSession(0);

    const result = await sessions.colonySpawn(source.sessionId, { colonyName: "solo", task: "  Count the words  " });

    expect(result.compactionStatus).toBe("skipped");
    expect(result.compaction).toBeNull();
    const tasks = await ledger.tasks("solo");
    expect(tasks.map((t) => [t.goal, t.source])).toEqual([["Count the words", "create_colony_auto"]]);
    expect((await conversations.live(result.conversationId)).parts).toEqual([]);
  });

  it("seeds into a colony of that name spawned earlier from another session, behind its tasks", async () => {
    const { sessions, queenSession, ledger, streamEvents } = await world(answering("Summary."));
    const first = await queenSession(1);
    const second = await queenSession(1);
    await sessions.colonySpawn(first.sessionId, { colonyName: "shared", tasks: [{ goal: "a" }, { goal: "b" }] });

    const again = await sessions.colonySpawn(second.sessionId, { colonyName: "shared", tasks: [{ goal: "c" }] });

    expect(again).toMatchObject({ colonyId: "shared", isNew: false });
    expect((await ledger.tasks("shared")).map((t) => [t.goal, t.seq])).toEqual([
      ["a", 0],
      ["b", 1],
      ["c", 2],
    ]);
    const colony = await streamEvents("colony-shared");
    expect(colony.map((e) => e.type)).toEqual(["ColonyCreated", "WorkerProfileUpdated"]);
    expect(colony[1]?.data).toMatchObject({ workerProfile: { inputData: { task_id: again.taskIds[0] } } });
  });

  it("lets one of two racing spawns from a session through; the other is refused and writes nothing", async () => {
    const { sessions, queenSession, db, streamEvents, time } = await world(neverAnswering());
    const source = await queenSession(2);

    const racing = Promise.allSettled([
      sessions.colonySpawn(source.sessionId, { colonyName: "left", task: "l" }),
      sessions.colonySpawn(source.sessionId, { colonyName: "right", task: "r" }),
    ]);
    // Both have passed the lock check and wait on their summaries: the loser finds out at append.
    await time.untilPending(2);
    await time.advance(TIMEOUT_MS);
    const outcomes = await racing;

    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ code: "session_locked" });
    const spawned = (await streamEvents(`session-${source.sessionId}`)).filter((e) => e.type === "ColonySpawned");
    expect(spawned).toHaveLength(1);
    const loser = spawned[0]?.data.colonyName === "left" ? "right" : "left";
    expect(await db.events.streamVersion(`colony-${loser}`)).toBe("no_stream");
  });
});

import { describe, expect, it } from "vitest";
import type { NewEvent } from "../../../src/domain/envelope.js";
import { ledgerProjection } from "../../../src/projections/ledger/ledger-projection.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { at, seeded } from "./ledger-events.js";

const open = colonyDatabases();

type Db = Awaited<ReturnType<typeof open>>;

function dump(db: Db) {
  const all = (query: string) => db.events.database.prepare(query).all();
  return {
    tasks: all("SELECT * FROM tasks ORDER BY id"),
    steps: all("SELECT * FROM steps ORDER BY id"),
    sop_checklist: all("SELECT * FROM sop_checklist ORDER BY id"),
    colony_meta: all("SELECT * FROM colony_meta ORDER BY colony_id, key"),
  };
}

/** A colony's day: three tasks, one done, one released then failed, one left claimed. */
const story: [string, NewEvent[]][] = [
  ["colony-c1", [at(1, "ColonyCreated", { colonyId: "c1", name: "research_colony" })]],
  ["task-a", [seeded("a", 2, { priority: 1 })]],
  ["task-b", [seeded("b", 3, { seq: 2 })]],
  ["task-c", [seeded("c", 4, { seq: 3, parentTaskId: "a" })]],
  ["task-a", [at(5, "TaskClaimed", { workerId: "w1", claimToken: "ca" }), at(6, "StepStarted", { stepSeq: 1 })]],
  ["task-b", [at(7, "TaskClaimed", { workerId: "w2", claimToken: "cb" })]],
  [
    "task-a",
    [
      at(8, "StepCompleted", { stepSeq: 1, evidence: "one" }),
      at(9, "StepStarted", { stepSeq: 2 }),
      at(10, "StepCompleted", { stepSeq: 2, evidence: "two" }),
      at(11, "SopItemChecked", { key: "cite", note: "cited" }),
      at(12, "TaskCompleted", { claimToken: "ca" }),
    ],
  ],
  ["task-b", [at(13, "TaskReleased", { workerId: "w2", reason: "stale", retryCount: 1 })]],
  ["task-c", [at(14, "TaskClaimed", { workerId: "w3", claimToken: "cc" })]],
  ["task-b", [at(15, "TaskClaimed", { workerId: "w4", claimToken: "cb2" })]],
  ["task-b", [at(16, "TaskFailed", { workerId: "w4", error: "gave up", reason: "error" })]],
];

describe("progress ledger rebuild", () => {
  it("a reset and catch-up from the log gives the rows the incremental folds gave", async () => {
    const db = await open({ projections: [ledgerProjection], batchSize: 3 });
    const snapshots: { position: bigint; rows: ReturnType<typeof dump> }[] = [];
    for (const [stream, events] of story) {
      const { events: stored } = await db.events.append(stream, events, { expectedVersion: "any" });
      await db.runner.catchUp();
      snapshots.push({ position: (stored.at(-1) as { position: bigint }).position, rows: dump(db) });
    }
    const incremental = dump(db);
    expect(incremental.tasks.map((t) => (t as { status: string }).status)).toEqual(["done", "failed", "claimed"]);

    await db.projections.reset(["progress_ledger"]);
    expect(dump(db).tasks).toEqual([]);
    await db.runner.catchUp();
    expect(dump(db)).toEqual(incremental);

    // Time travel: folded up to any earlier position, the ledger is what it was then.
    for (const snapshot of [snapshots[4], snapshots[7]]) {
      if (!snapshot) throw new Error("story too short");
      const { position, rows } = snapshot;
      await db.projections.reset(["progress_ledger"]);
      await db.runner.catchUp({ to: position });
      expect(dump(db)).toEqual(rows);
    }
  });
});

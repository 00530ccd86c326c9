import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { type LedgerReadModel, ledgerProjection } from "../../../src/projections/ledger/ledger-projection.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { at, seeded, time } from "./ledger-events.js";

const open = colonyDatabases();

async function ledger(options: { inline?: boolean } = {}) {
  const db = await open({
    projections: [ledgerProjection],
    ...(options.inline ? { inline: ["progress_ledger"] } : {}),
  });
  return Object.assign(db, { ledger: db.readModels as unknown as Kysely<LedgerReadModel> });
}

describe("progress ledger projection", () => {
  it("given a seeded task, then a pending task row with its steps and SOP items", async () => {
    const db = await ledger();
    await db.events.append("task-t1", [seeded("t1", 1, { priority: 5, seq: 7 })], { expectedVersion: "no_stream" });
    await db.runner.catchUp();

    const task = await db.ledger.selectFrom("tasks").selectAll().executeTakeFirstOrThrow();
    expect(task).toEqual({
      id: "t1",
      seq: 7,
      priority: 5,
      goal: "goal of t1",
      payload: '{"url":"https://example.org/t1"}',
      status: "pending",
      worker_id: null,
      claim_token: null,
      claimed_at: null,
      started_at: null,
      completed_at: null,
      created_at: time(1),
      updated_at: time(1),
      retry_count: 0,
      max_retries: 3,
      last_error: null,
      parent_task_id: null,
      source: "queen_create",
      colony_id: "c1",
    });
    expect(await db.ledger.selectFrom("steps").selectAll().orderBy("seq").execute()).toEqual([
      {
        id: "t1:step:1",
        task_id: "t1",
        seq: 1,
        title: "download",
        detail: "fetch the PDF",
        status: "pending",
        evidence: null,
        worker_id: null,
        started_at: null,
        completed_at: null,
      },
      {
        id: "t1:step:2",
        task_id: "t1",
        seq: 2,
        title: "summarise",
        detail: null,
        status: "pending",
        evidence: null,
        worker_id: null,
        started_at: null,
        completed_at: null,
      },
    ]);
    expect(await db.ledger.selectFrom("sop_checklist").selectAll().orderBy("key").execute()).toEqual([
      {
        id: "t1:sop:cite",
        task_id: "t1",
        key: "cite",
        description: "cite the source",
        required: 1,
        done_at: null,
        done_by: null,
        note: "APA style",
        seq: 0,
      },
      {
        id: "t1:sop:tidy",
        task_id: "t1",
        key: "tidy",
        description: "remove the scratch files",
        required: 0,
        done_at: null,
        done_by: null,
        note: null,
        seq: 1,
      },
    ]);
  });

  it("stores a string payload as it is and no payload as NULL, as the original's seed did", async () => {
    const db = await ledger();
    await db.events.append("task-s", [seeded("s", 1, { payload: "plain text" })], { expectedVersion: "no_stream" });
    await db.events.append("task-n", [seeded("n", 2, { payload: null })], { expectedVersion: "no_stream" });
    await db.runner.catchUp();
    const rows = await db.ledger.selectFrom("tasks").select(["id", "payload"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: "n", payload: null },
      { id: "s", payload: "plain text" },
    ]);
  });

  it("given claim, steps, an SOP tick and completion, then the task is done with its evidence", async () => {
    const db = await ledger();
    await db.events.append("task-t1", [seeded("t1", 1)], { expectedVersion: "no_stream" });
    await db.events.append("task-t1", [at(2, "TaskClaimed", { workerId: "w1", claimToken: "ct1" })], {
      expectedVersion: "any",
    });
    await db.runner.catchUp();
    expect(await db.ledger.selectFrom("tasks").selectAll().executeTakeFirstOrThrow()).toMatchObject({
      status: "claimed",
      worker_id: "w1",
      claim_token: "ct1",
      claimed_at: time(2),
      started_at: null,
      updated_at: time(2),
    });

    await db.events.append(
      "task-t1",
      [
        at(3, "StepStarted", { stepSeq: 1, workerId: "w1" }),
        at(4, "StepCompleted", { stepSeq: 1, workerId: "w1", evidence: "saved to notes/1.pdf" }),
        at(5, "StepStarted", { stepSeq: 2, workerId: "w1" }),
      ],
      { expectedVersion: "any" },
    );
    await db.runner.catchUp();
    // The first step moves the task to in_progress; the second leaves started_at alone.
    expect(await db.ledger.selectFrom("tasks").selectAll().executeTakeFirstOrThrow()).toMatchObject({
      status: "in_progress",
      started_at: time(3),
      updated_at: time(3),
    });
    expect(await db.ledger.selectFrom("steps").selectAll().orderBy("seq").execute()).toMatchObject([
      {
        seq: 1,
        status: "done",
        evidence: "saved to notes/1.pdf",
        worker_id: "w1",
        started_at: time(3),
        completed_at: time(4),
      },
      { seq: 2, status: "in_progress", evidence: null, worker_id: "w1", started_at: time(5), completed_at: null },
    ]);

    // The original skill's SOP gate: required items still open.
    const gate = db.events.database.prepare(
      "SELECT key, description FROM sop_checklist WHERE task_id=? AND required=1 AND done_at IS NULL;",
    );
    expect(gate.all("t1")).toEqual([{ key: "cite", description: "cite the source" }]);

    await db.events.append(
      "task-t1",
      [
        at(6, "StepCompleted", { stepSeq: 2, workerId: "w1", evidence: "summary in notes/1.md" }),
        at(7, "SopItemChecked", { key: "cite", workerId: "w1", note: null }),
        at(8, "SopItemChecked", { key: "tidy", workerId: "w1", note: "nothing to remove" }),
        at(9, "TaskCompleted", { workerId: "w1", claimToken: "ct1", result: { pages: 3 } }),
      ],
      { expectedVersion: "any" },
    );
    await db.runner.catchUp();
    expect(gate.all("t1")).toEqual([]);
    expect(await db.ledger.selectFrom("sop_checklist").selectAll().orderBy("key").execute()).toMatchObject([
      // A check without a note keeps the seeded one.
      { key: "cite", done_at: time(7), done_by: "w1", note: "APA style" },
      { key: "tidy", done_at: time(8), done_by: "w1", note: "nothing to remove" },
    ]);
    expect(await db.ledger.selectFrom("tasks").selectAll().executeTakeFirstOrThrow()).toMatchObject({
      status: "done",
      worker_id: "w1",
      claim_token: "ct1",
      started_at: time(3),
      completed_at: time(9),
      updated_at: time(9),
      last_error: null,
    });
    // The original skill's plan read: a step already done is skipped on a retry.
    expect(
      db.events.database.prepare("SELECT seq, id, title, status FROM steps WHERE task_id=? ORDER BY seq;").all("t1"),
    ).toEqual([
      { seq: 1, id: "t1:step:1", title: "download", status: "done" },
      { seq: 2, id: "t1:step:2", title: "summarise", status: "done" },
    ]);
  });

  it("given a release, then pending again with the claim cleared and the event's retry count; then a failure", async () => {
    const db = await ledger();
    await db.events.append(
      "task-t1",
      [
        seeded("t1", 1),
        at(2, "TaskClaimed", { workerId: "w1", claimToken: "ct1" }),
        at(3, "StepStarted", { stepSeq: 1, workerId: "w1" }),
        at(4, "StepCompleted", { stepSeq: 1, workerId: "w1", evidence: "downloaded" }),
        at(5, "TaskReleased", { workerId: "w1", reason: "stale", retryCount: 1 }),
      ],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    expect(await db.ledger.selectFrom("tasks").selectAll().executeTakeFirstOrThrow()).toMatchObject({
      status: "pending",
      worker_id: null,
      claim_token: null,
      claimed_at: null,
      started_at: null,
      retry_count: 1,
      updated_at: time(5),
      completed_at: null,
    });
    // Progress survives the release: the next worker skips the done step.
    expect(
      await db.ledger
        .selectFrom("steps")
        .select(["seq", "status"])
        .where("task_id", "=", "t1")
        .orderBy("seq")
        .execute(),
    ).toEqual([
      { seq: 1, status: "done" },
      { seq: 2, status: "pending" },
    ]);

    await db.events.append(
      "task-t1",
      [
        at(6, "TaskClaimed", { workerId: "w2", claimToken: "ct2" }),
        at(7, "TaskReleased", { workerId: "w2", reason: "worker_stopped", retryCount: 2 }),
        at(8, "TaskClaimed", { workerId: "w3", claimToken: "ct3" }),
        at(9, "TaskFailed", { workerId: "w3", error: "the PDF is gone (404)", reason: "error" }),
      ],
      { expectedVersion: "any" },
    );
    await db.runner.catchUp();
    expect(await db.ledger.selectFrom("tasks").selectAll().executeTakeFirstOrThrow()).toMatchObject({
      status: "failed",
      worker_id: "w3",
      claim_token: "ct3",
      claimed_at: time(8),
      retry_count: 2,
      last_error: "the PDF is gone (404)",
      completed_at: time(9),
      updated_at: time(9),
    });
  });

  it("given ColonyCreated, then colony_meta holds the schema version, the colony's name and creation time", async () => {
    const db = await ledger();
    await db.events.append("colony-c1", [at(1, "ColonyCreated", { colonyId: "c1", name: "research_colony" })], {
      expectedVersion: "no_stream",
    });
    await db.events.append("colony-c2", [at(2, "ColonyCreated", { colonyId: "c2", name: "triage" })], {
      expectedVersion: "no_stream",
    });
    await db.runner.catchUp();
    expect(await db.ledger.selectFrom("colony_meta").selectAll().orderBy("colony_id").orderBy("key").execute()).toEqual(
      [
        { colony_id: "c1", key: "colony_name", value: "research_colony", updated_at: time(1) },
        { colony_id: "c1", key: "created_at", value: time(1), updated_at: time(1) },
        { colony_id: "c1", key: "schema_version", value: "1", updated_at: time(1) },
        { colony_id: "c2", key: "colony_name", value: "triage", updated_at: time(2) },
        { colony_id: "c2", key: "created_at", value: time(2), updated_at: time(2) },
        { colony_id: "c2", key: "schema_version", value: "1", updated_at: time(2) },
      ],
    );
  });

  it("answers the original's claim query in claim order, through idx_tasks_claimable", async () => {
    const db = await ledger();
    await db.events.append("task-a", [seeded("a", 1, { priority: 0, seq: 1 })], { expectedVersion: "no_stream" });
    await db.events.append("task-b", [seeded("b", 2, { priority: 9, seq: 2 })], { expectedVersion: "no_stream" });
    await db.events.append("task-c", [seeded("c", 3, { priority: 9, seq: 1 })], { expectedVersion: "no_stream" });
    await db.events.append("task-c", [at(4, "TaskClaimed", { workerId: "w1", claimToken: "x" })], {
      expectedVersion: 0n,
    });
    await db.runner.catchUp();
    const claimOrder = "SELECT id FROM tasks WHERE status='pending' ORDER BY priority DESC, seq, created_at";
    expect(db.events.database.prepare(claimOrder).pluck().all()).toEqual(["b", "a"]);
    const plan = db.events.database
      .prepare(`EXPLAIN QUERY PLAN ${claimOrder} LIMIT 1`)
      .all()
      .map((row) => (row as { detail: string }).detail)
      .join("\n");
    expect(plan).toContain("idx_tasks_claimable");
    // The queue health read of the original skill.
    expect(
      db.events.database.prepare("SELECT status, count(*) AS n FROM tasks GROUP BY status ORDER BY status").all(),
    ).toEqual([
      { status: "claimed", n: 1 },
      { status: "pending", n: 2 },
    ]);
  });

  it("folds events the command side should not have let through without stopping the batch", async () => {
    const db = await ledger();
    await db.events.append(
      "task-child",
      [
        seeded("child", 1, {
          parentTaskId: "never-seeded",
          steps: [
            { seq: 1, title: "first", detail: null },
            { seq: 1, title: "same seq again", detail: null },
          ],
          sopItems: [
            { key: "k", description: "first", required: true, note: null },
            { key: "k", description: "same key again", required: false, note: null },
          ],
        }),
      ],
      { expectedVersion: "no_stream" },
    );
    await db.events.append("task-other", [seeded("other", 2)], { expectedVersion: "no_stream" });
    await db.runner.catchUp();
    expect(await db.ledger.selectFrom("tasks").select(["id", "parent_task_id"]).orderBy("id").execute()).toEqual([
      { id: "child", parent_task_id: "never-seeded" },
      { id: "other", parent_task_id: null },
    ]);
    expect(await db.ledger.selectFrom("steps").select("title").where("task_id", "=", "child").execute()).toEqual([
      { title: "first" },
    ]);
    expect(
      await db.ledger.selectFrom("sop_checklist").select("description").where("task_id", "=", "child").execute(),
    ).toEqual([{ description: "first" }]);
  });

  it("folds inline, inside the append, so a claim reads back at once", async () => {
    const db = await ledger({ inline: true });
    await db.events.append("task-t1", [seeded("t1", 1), at(2, "TaskClaimed", { workerId: "w1", claimToken: "ct1" })], {
      expectedVersion: "no_stream",
    });
    const row = await db.ledger.selectFrom("tasks").select(["status", "claim_token"]).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "claimed", claim_token: "ct1" });
  });
});

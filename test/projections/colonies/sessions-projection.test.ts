import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import {
  type DelegationsReadModel,
  delegationsProjection,
} from "../../../src/projections/colonies/delegations-projection.js";
import { type SessionsReadModel, sessionsProjection } from "../../../src/projections/colonies/sessions-projection.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { at, time } from "./colony-events.js";

const open = colonyDatabases();

async function database() {
  const db = await open({ projections: [sessionsProjection, delegationsProjection] });
  return Object.assign(db, { rm: db.readModels as unknown as Kysely<SessionsReadModel & DelegationsReadModel> });
}

describe("sessions projection", () => {
  it("given a session that changes phase and spawns a colony, then it is locked to that colony", async () => {
    const db = await database();
    await db.events.append(
      "session-s1",
      [
        at(1, "SessionStarted", {
          sessionId: "s1",
          queenId: "q1",
          conversationId: "k1",
          colonyId: null,
          phase: "independent",
          provenance: { kind: "forked", fromSessionId: "s0" },
        }),
        at(2, "SessionPhaseChanged", { phase: "incubating", previousPhase: "independent" }),
      ],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    expect(await db.rm.selectFrom("sessions").selectAll().executeTakeFirstOrThrow()).toEqual({
      id: "s1",
      queen_id: "q1",
      conversation_id: "k1",
      colony_id: null,
      phase: "incubating",
      provenance: '{"kind":"forked","fromSessionId":"s0"}',
      locked: 0,
      spawned_colony_id: null,
      spawned_colony_name: null,
      started_at: time(1),
      updated_at: time(2),
    });

    await db.events.append(
      "session-s1",
      [
        at(3, "ColonySpawned", { colonyId: "c7", colonyName: "research_colony", conversationId: "k2", taskCount: 3 }),
        at(4, "SessionLocked", { colonyId: "c7", colonyName: "research_colony" }),
      ],
      { expectedVersion: 1n },
    );
    await db.runner.catchUp();
    expect(
      await db.rm
        .selectFrom("sessions")
        .select(["locked", "spawned_colony_id", "spawned_colony_name", "colony_id", "updated_at"])
        .executeTakeFirstOrThrow(),
    ).toEqual({
      locked: 1,
      spawned_colony_id: "c7",
      spawned_colony_name: "research_colony",
      colony_id: null,
      updated_at: time(4),
    });
  });

  it("a ColonySpawned alone names the colony without locking the session", async () => {
    const db = await database();
    await db.events.append("session-s2", [at(1, "SessionStarted", { sessionId: "s2" }), at(2, "ColonySpawned")], {
      expectedVersion: "no_stream",
    });
    await db.runner.catchUp();
    expect(
      await db.rm.selectFrom("sessions").select(["locked", "spawned_colony_name"]).executeTakeFirstOrThrow(),
    ).toEqual({ locked: 0, spawned_colony_name: "research_colony" });
  });
});

describe("delegations projection", () => {
  it("given dispatches, a completion, an interruption and a delivery, then each row tells its end", async () => {
    const db = await database();
    await db.events.append(
      "session-s1",
      [
        at(1, "SessionStarted", { sessionId: "s1" }),
        at(2, "DelegationDispatched", { delegationId: "d1", goal: "summarise", context: "the PDF", workerId: "w1" }),
        at(3, "DelegationDispatched", { delegationId: "d2", goal: "translate", context: "", workerId: "w2" }),
        at(4, "DelegationDispatched", { delegationId: "d3", goal: "search", context: "", workerId: "w3" }),
      ],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    // The capacity cap's read: running delegations of the session.
    const running = () =>
      db.rm
        .selectFrom("delegations")
        .select("id")
        .where("session_id", "=", "s1")
        .where("status", "=", "running")
        .orderBy("id")
        .execute();
    expect(await running()).toEqual([{ id: "d1" }, { id: "d2" }, { id: "d3" }]);

    await db.events.append(
      "session-s1",
      [
        at(5, "DelegationCompleted", {
          delegationId: "d1",
          status: "success",
          summary: "three points",
          error: null,
          durationMs: 1200,
          modelCalls: 3,
          exitReason: "reported",
        }),
        at(6, "DelegationDelivered", { delegationId: "d1", conversationId: "k1", seq: 7 }),
        at(7, "DelegationInterrupted", { delegationId: "d2", reason: "session stopped" }),
        // The interrupted child still reports how it ended.
        at(8, "DelegationCompleted", {
          delegationId: "d2",
          status: "stopped",
          summary: "",
          error: null,
          durationMs: 900,
          modelCalls: 1,
          exitReason: "interrupted",
        }),
        // Too late: d1 already completed, the interruption does not rewrite it.
        at(9, "DelegationInterrupted", { delegationId: "d1", reason: "session stopped" }),
      ],
      { expectedVersion: 3n },
    );
    await db.runner.catchUp();
    expect(await running()).toEqual([{ id: "d3" }]);
    const rows = await db.rm.selectFrom("delegations").selectAll().orderBy("id").execute();
    expect(rows[0]).toEqual({
      id: "d1",
      session_id: "s1",
      goal: "summarise",
      context: "the PDF",
      worker_id: "w1",
      status: "completed",
      result_status: "success",
      summary: "three points",
      error: null,
      duration_ms: 1200,
      model_calls: 3,
      exit_reason: "reported",
      dispatched_at: time(2),
      completed_at: time(5),
      delivered_at: time(6),
      delivered_seq: 7,
    });
    expect(rows[1]).toMatchObject({
      id: "d2",
      status: "interrupted",
      result_status: "stopped",
      exit_reason: "interrupted",
      error: null,
      completed_at: time(8),
      delivered_at: null,
    });
    expect(rows[2]).toMatchObject({ id: "d3", status: "running", result_status: null, completed_at: null });
  });

  it("an interruption without a later report keeps its reason in error", async () => {
    const db = await database();
    await db.events.append(
      "session-s1",
      [
        at(1, "DelegationDispatched", { delegationId: "d1" }),
        at(2, "DelegationInterrupted", { delegationId: "d1", reason: "stop all" }),
      ],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    expect(
      await db.rm.selectFrom("delegations").select(["status", "error", "completed_at"]).executeTakeFirstOrThrow(),
    ).toEqual({ status: "interrupted", error: "stop all", completed_at: time(2) });
  });
});

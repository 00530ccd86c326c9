import { describe, expect, it } from "vitest";
import { InvalidCommandError } from "../../../src/domain/deciders/refusal.js";
import {
  parseSessionCommand,
  type SessionCommand,
  type SessionEvent,
  sessionDecider,
} from "../../../src/domain/deciders/session.js";
import { scenario } from "../../support/decider-scenario.js";

const session = scenario(sessionDecider, "session");

const startData = {
  sessionId: "s1",
  queenId: "q1",
  conversationId: "k1",
  colonyId: null,
  phase: "independent" as const,
  provenance: { kind: "new" as const },
};
const STARTED: SessionEvent = { type: "SessionStarted", data: startData };
const LOCKED: SessionEvent = { type: "SessionLocked", data: { colonyId: "c1", colonyName: "research" } };
const dispatch = (delegationId: string, maxConcurrent = 2): SessionCommand => ({
  type: "DispatchDelegation",
  delegationId,
  goal: "read the paper",
  context: "",
  workerId: `w-${delegationId}`,
  maxConcurrent,
});
const dispatched = (delegationId: string): SessionEvent => ({
  type: "DelegationDispatched",
  data: { delegationId, goal: "read the paper", context: "", workerId: `w-${delegationId}` },
});
const completion = {
  delegationId: "d1",
  status: "success" as const,
  summary: "read",
  error: null,
  durationMs: 900,
  modelCalls: 2,
  exitReason: "reported",
};
const COMPLETED: SessionEvent = { type: "DelegationCompleted", data: completion };
const INTERRUPTED: SessionEvent = { type: "DelegationInterrupted", data: { delegationId: "d1", reason: "stop" } };
const delivery = { delegationId: "d1", conversationId: "k1", seq: 12 };

describe("session decider: start, phases, lock", () => {
  it("starts a session once", () => {
    session
      .given()
      .when({ type: "StartSession", ...startData })
      .thenEmits([STARTED]);
    session
      .given(STARTED)
      .when({ type: "StartSession", ...startData })
      .thenRefused("session_already_started", { sessionId: "s1" });
  });

  it("refuses commands on a session that does not exist", () => {
    session.given().when({ type: "ChangePhase", phase: "working" }).thenRefused("session_not_found");
  });

  it("changes phase, recording the previous one; the same phase is no change", () => {
    session
      .given(STARTED)
      .when({ type: "ChangePhase", phase: "incubating" })
      .thenEmits([{ type: "SessionPhaseChanged", data: { phase: "incubating", previousPhase: "independent" } }]);
    session.given(STARTED).when({ type: "ChangePhase", phase: "independent" }).thenEmits([]);
  });

  it("records a colony spawn and locks the session in the same decision", () => {
    session
      .given(STARTED)
      .when({ type: "RecordColonySpawn", colonyId: "c1", colonyName: "research", conversationId: "k2", taskCount: 3 })
      .thenEmits([
        { type: "ColonySpawned", data: { colonyId: "c1", colonyName: "research", conversationId: "k2", taskCount: 3 } },
        LOCKED,
      ]);
  });

  it("locks on mark-colony-spawned", () => {
    session.given(STARTED).when({ type: "LockSession", colonyId: "c1", colonyName: "research" }).thenEmits([LOCKED]);
  });

  it("refuses new work on a locked session, naming the spawned colony", () => {
    const locked = session.given(STARTED, LOCKED);
    const facts = { sessionId: "s1", reason: "colony_spawned", spawnedColonyName: "research" };
    locked.when({ type: "ChangePhase", phase: "working" }).thenRefused("session_locked", facts);
    locked.when({ type: "LockSession", colonyId: "c2", colonyName: "other" }).thenRefused("session_locked", facts);
    locked
      .when({ type: "RecordColonySpawn", colonyId: "c2", colonyName: "other", conversationId: "k3", taskCount: 0 })
      .thenRefused("session_locked", facts);
    locked.when(dispatch("d1")).thenRefused("session_locked", facts);
  });

  it("validates commands from outside", () => {
    expect(() => parseSessionCommand({ type: "ChangePhase", phase: "dreaming" })).toThrow(InvalidCommandError);
    expect(() => parseSessionCommand({ ...dispatch("d1"), maxConcurrent: 0 })).toThrow(/maxConcurrent/);
  });
});

describe("session decider: delegations", () => {
  it("dispatches under the cap", () => {
    session
      .given(STARTED, dispatched("d0"))
      .when(dispatch("d1"))
      .thenEmits([dispatched("d1")]);
  });

  it("refuses a dispatch at the cap, listing what is running", () => {
    session
      .given(STARTED, dispatched("d0"), dispatched("d1"))
      .when(dispatch("d2"))
      .thenRefused("delegation_capacity_reached", {
        running: 2,
        maxConcurrent: 2,
        runningDelegationIds: ["d0", "d1"],
      });
  });

  it("counts an interrupted delegation until it completes, and frees its slot after", () => {
    session
      .given(STARTED, dispatched("d1"), INTERRUPTED)
      .when(dispatch("d2", 1))
      .thenRefused("delegation_capacity_reached", { running: 1 });
    session
      .given(STARTED, dispatched("d1"), COMPLETED)
      .when(dispatch("d2", 1))
      .thenEmits([dispatched("d2")]);
  });

  it("refuses the same delegation id twice", () => {
    session
      .given(STARTED, dispatched("d1"), COMPLETED)
      .when(dispatch("d1"))
      .thenRefused("delegation_already_dispatched", { delegationId: "d1" });
  });

  it("completes a running or interrupted delegation, once", () => {
    session
      .given(STARTED, dispatched("d1"))
      .when({ type: "CompleteDelegation", ...completion })
      .thenEmits([COMPLETED]);
    const stopped = { ...completion, status: "stopped" as const };
    session
      .given(STARTED, dispatched("d1"), INTERRUPTED)
      .when({ type: "CompleteDelegation", ...stopped })
      .thenEmits([{ type: "DelegationCompleted", data: stopped }]);
    session
      .given(STARTED, dispatched("d1"), COMPLETED)
      .when({ type: "CompleteDelegation", ...completion })
      .thenRefused("delegation_finished", { status: "completed" });
  });

  it("interrupts a running delegation only", () => {
    session
      .given(STARTED, dispatched("d1"))
      .when({ type: "InterruptDelegation", delegationId: "d1", reason: "stop" })
      .thenEmits([INTERRUPTED]);
    session
      .given(STARTED, dispatched("d1"), COMPLETED)
      .when({ type: "InterruptDelegation", delegationId: "d1", reason: "stop" })
      .thenRefused("delegation_finished", { status: "completed" });
  });

  it("delivers a completed delegation exactly once, even on a locked session", () => {
    session
      .given(STARTED, dispatched("d1"), COMPLETED, LOCKED)
      .when({ type: "DeliverDelegation", ...delivery })
      .thenEmits([{ type: "DelegationDelivered", data: delivery }]);
    session
      .given(STARTED, dispatched("d1"), COMPLETED, { type: "DelegationDelivered", data: delivery })
      .when({ type: "DeliverDelegation", ...delivery })
      .thenRefused("delegation_finished", { status: "delivered" });
    session
      .given(STARTED, dispatched("d1"))
      .when({ type: "DeliverDelegation", ...delivery })
      .thenRefused("delegation_not_completed", { status: "running" });
  });

  it("refuses commands about an unknown delegation", () => {
    const given = session.given(STARTED);
    given.when({ type: "CompleteDelegation", ...completion }).thenRefused("unknown_delegation", { delegationId: "d1" });
    given.when({ type: "InterruptDelegation", delegationId: "d1", reason: "x" }).thenRefused("unknown_delegation");
    given.when({ type: "DeliverDelegation", ...delivery }).thenRefused("unknown_delegation");
  });
});

import { describe, expect, it } from "vitest";
import type { NewEvent } from "../../../src/domain/envelope.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { at, colonyProjections } from "./colony-events.js";

const open = colonyDatabases();

const TABLES = {
  colonies: "id",
  triggers: "colony_id, id",
  sessions: "id",
  delegations: "session_id, id",
  idempotency_keys: "scope, key",
};

const story: [string, NewEvent[]][] = [
  [
    "session-s1",
    [at(1, "SessionStarted", { sessionId: "s1" }), at(2, "SessionPhaseChanged"), at(3, "DelegationDispatched")],
  ],
  ["colony-c1", [at(4, "ColonyCreated"), at(5, "TriggerRegistered"), at(6, "TriggerFired")]],
  ["session-s1", [at(7, "ColonySpawned"), at(8, "SessionLocked"), at(9, "DelegationCompleted")]],
  ["colony-c1", [at(10, "TimersPaused"), at(11, "TriggerFired", { firingId: "f2" }), at(12, "WorkerProfileUpdated")]],
  ["idempotency-webhook-delivery-42", [at(13, "IdempotencyKeyRecorded")]],
  ["session-s1", [at(14, "DelegationDelivered"), at(15, "DelegationDispatched", { delegationId: "d2" })]],
  ["colony-c1", [at(16, "TriggerRemoved"), at(17, "TimersResumed")]],
  ["session-s1", [at(18, "DelegationInterrupted", { delegationId: "d2" })]],
];

describe("colonies, triggers, sessions, delegations and idempotency keys rebuild", () => {
  it("a reset and catch-up from the log gives the rows the incremental folds gave", async () => {
    const db = await open({ projections: colonyProjections, batchSize: 2 });
    const dump = () =>
      Object.fromEntries(
        Object.entries(TABLES).map(([table, order]) => [
          table,
          db.events.database.prepare(`SELECT * FROM "${table}" ORDER BY ${order}`).all(),
        ]),
      );
    for (const [stream, events] of story) {
      await db.events.append(stream, events, { expectedVersion: "any" });
      await db.runner.catchUp();
    }
    const incremental = dump();
    for (const [table, rows] of Object.entries(incremental)) expect(rows, table).not.toEqual([]);

    await db.projections.reset(colonyProjections.map((p) => p.name));
    for (const rows of Object.values(dump())) expect(rows).toEqual([]);
    await db.runner.catchUp();
    expect(dump()).toEqual(incremental);
  });
});

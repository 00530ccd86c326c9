import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { type ColoniesReadModel, coloniesProjection } from "../../../src/projections/colonies/colonies-projection.js";
import { type TriggersReadModel, triggersProjection } from "../../../src/projections/colonies/triggers-projection.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { at, time } from "./colony-events.js";

const open = colonyDatabases();

async function database() {
  const db = await open({ projections: [coloniesProjection, triggersProjection] });
  return Object.assign(db, { rm: db.readModels as unknown as Kysely<ColoniesReadModel & TriggersReadModel> });
}

const profile = {
  systemPrompt: "You read papers.",
  toolNames: ["claim_task"],
  loopConfig: { maxIterations: 5 },
  inputData: {},
};

describe("colonies projection", () => {
  it("given ColonyCreated, a profile update and a pause, then the row says so; a resume unpauses", async () => {
    const db = await database();
    await db.events.append(
      "colony-c1",
      [
        at(1, "ColonyCreated", { colonyId: "c1", name: "research_colony", sourceSessionId: "s1", concurrencyHint: 4 }),
        at(2, "WorkerProfileUpdated", { workerProfile: profile }),
        at(3, "TimersPaused", { reason: "session paused" }),
      ],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    const row = await db.rm.selectFrom("colonies").selectAll().executeTakeFirstOrThrow();
    expect(row).toEqual({
      id: "c1",
      name: "research_colony",
      source_session_id: "s1",
      worker_profile: JSON.stringify(profile),
      concurrency_hint: 4,
      timers_paused: 1,
      created_at: time(1),
      updated_at: time(3),
    });

    await db.events.append("colony-c1", [at(4, "TimersResumed")], { expectedVersion: 2n });
    await db.runner.catchUp();
    expect(
      await db.rm.selectFrom("colonies").select(["timers_paused", "updated_at"]).executeTakeFirstOrThrow(),
    ).toEqual({ timers_paused: 0, updated_at: time(4) });
  });

  it("given a colony without a source session or hint, then those are NULL", async () => {
    const db = await database();
    await db.events.append(
      "colony-c2",
      [at(1, "ColonyCreated", { colonyId: "c2", name: "triage", sourceSessionId: null, concurrencyHint: null })],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    expect(
      await db.rm.selectFrom("colonies").select(["source_session_id", "concurrency_hint"]).executeTakeFirstOrThrow(),
    ).toEqual({ source_session_id: null, concurrency_hint: null });
  });
});

describe("triggers projection", () => {
  it("given registrations and firings, then each trigger counts its fires; a removal keeps the row", async () => {
    const db = await database();
    await db.events.append(
      "colony-c1",
      [
        at(1, "ColonyCreated", { colonyId: "c1" }),
        at(2, "TriggerRegistered", { triggerId: "tick" }),
        at(3, "TriggerRegistered", {
          triggerId: "hook",
          kind: "webhook",
          config: { kind: "webhook", route: "/hooks/inbox", secretRef: "INBOX_SECRET" },
          maxConcurrent: 2,
          maxResurrections: 0,
          task: "file the message",
        }),
        at(4, "TriggerFired", { triggerId: "tick", firingId: "f1" }),
        at(5, "TriggerFired", { triggerId: "tick", firingId: "f2" }),
        at(6, "TriggerFired", { triggerId: "hook", firingId: "f3", idempotencyKey: "delivery-1" }),
        at(7, "TriggerRemoved", { triggerId: "hook" }),
      ],
      { expectedVersion: "no_stream" },
    );
    // Another colony may use the same trigger id.
    await db.events.append(
      "colony-c2",
      [at(8, "ColonyCreated", { colonyId: "c2", name: "other" }), at(9, "TriggerRegistered", { triggerId: "tick" })],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    const rows = await db.rm.selectFrom("triggers").selectAll().orderBy("colony_id").orderBy("id").execute();
    expect(rows).toEqual([
      {
        id: "hook",
        colony_id: "c1",
        kind: "webhook",
        config: '{"kind":"webhook","route":"/hooks/inbox","secretRef":"INBOX_SECRET"}',
        max_concurrent: 2,
        max_resurrections: 0,
        task: "file the message",
        removed_at: time(7),
        fire_count: 1,
        last_fired_at: time(6),
      },
      {
        id: "tick",
        colony_id: "c1",
        kind: "timer",
        config: '{"kind":"timer","intervalSeconds":60,"runImmediately":true}',
        max_concurrent: 1,
        max_resurrections: 3,
        task: "check the inbox",
        removed_at: null,
        fire_count: 2,
        last_fired_at: time(5),
      },
      {
        id: "tick",
        colony_id: "c2",
        kind: "timer",
        config: '{"kind":"timer","intervalSeconds":60,"runImmediately":true}',
        max_concurrent: 1,
        max_resurrections: 3,
        task: "check the inbox",
        removed_at: null,
        fire_count: 0,
        last_fired_at: null,
      },
    ]);
  });

  it("given a removed trigger registered again, then it is live with the new definition and its count", async () => {
    const db = await database();
    await db.events.append(
      "colony-c1",
      [
        at(1, "TriggerRegistered", { triggerId: "tick" }),
        at(2, "TriggerFired", { triggerId: "tick" }),
        at(3, "TriggerRemoved", { triggerId: "tick" }),
        at(4, "TriggerRegistered", {
          triggerId: "tick",
          config: { kind: "timer", intervalSeconds: 300, runImmediately: false },
          task: "check the inbox slowly",
        }),
      ],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    expect(
      await db.rm
        .selectFrom("triggers")
        .select(["config", "task", "removed_at", "fire_count", "last_fired_at"])
        .executeTakeFirstOrThrow(),
    ).toEqual({
      config: '{"kind":"timer","intervalSeconds":300,"runImmediately":false}',
      task: "check the inbox slowly",
      removed_at: null,
      fire_count: 1,
      last_fired_at: time(2),
    });
  });
});

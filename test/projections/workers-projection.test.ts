import { describe, expect, it } from "vitest";
import { workersProjection } from "../../src/projections/workers/workers-projection.js";
import { colonyDatabases } from "../support/colony-database.js";
import { sample } from "../support/sample-events.js";

const open = colonyDatabases();

describe("workers projection", () => {
  it("given a spawn, start and report, then the row holds the report", async () => {
    const db = await open({ projections: [workersProjection] });
    await db.events.append(
      "worker-w1",
      [
        sample("WorkerSpawned", { workerId: "w1" }),
        sample("WorkerStarted", { attempt: 1 }),
        sample("WorkerReported", { status: "partial", summary: "half done", data: { pages: 3 } }),
      ],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    const row = await db.readModels.selectFrom("workers").selectAll().where("id", "=", "w1").executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      colony_id: "c1",
      status: "reported",
      attempt: 1,
      persistent: 0,
      report_status: "partial",
      report_summary: "half done",
      report_data: '{"pages":3}',
      input_tokens: 1000,
      output_tokens: 200,
    });
    expect(row.started_at).not.toBeNull();
    expect(row.finished_at).not.toBeNull();
  });

  it("given a queued worker that is stopped, then it is stopped without a report", async () => {
    const db = await open({ projections: [workersProjection] });
    await db.events.append("worker-w2", [sample("WorkerSpawned", { workerId: "w2" }), sample("WorkerQueued")], {
      expectedVersion: "no_stream",
    });
    await db.runner.catchUp();
    expect((await db.readModels.selectFrom("workers").select("status").executeTakeFirstOrThrow()).status).toBe(
      "queued",
    );
    await db.events.append("worker-w2", [sample("WorkerStopped")], { expectedVersion: 1n });
    await db.runner.catchUp();
    const row = await db.readModels.selectFrom("workers").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "stopped", report_status: null });
  });

  it("folds inline, inside the append, when asked to", async () => {
    const db = await open({ projections: [workersProjection], inline: ["workers"] });
    await db.events.append("worker-w3", [sample("WorkerSpawned", { workerId: "w3" })], {
      expectedVersion: "no_stream",
    });
    const row = await db.readModels.selectFrom("workers").select("status").executeTakeFirst();
    expect(row?.status).toBe("spawned");
    expect((await db.inlineProjections.status())[0]?.checkpoint).toBe(1n);
  });
});

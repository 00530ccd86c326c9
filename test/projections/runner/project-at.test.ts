import { describe, expect, it } from "vitest";
import { openColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import { projectAt } from "../../../src/adapters/sqlite/project-at.js";
import { hashProjectionTables } from "../../../src/adapters/sqlite/table-hash.js";
import { InvalidArgumentError } from "../../../src/domain/errors.js";
import { liveContext } from "../../../src/projections/conversations/live-context.js";
import { allProjections } from "../../../src/projections/read-models.js";
import { workersProjection } from "../../../src/projections/workers/workers-projection.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { part, sample } from "../../support/sample-events.js";

const open = colonyDatabases();
const quiet = { warn: () => {} };

describe("projectAt (time travel)", () => {
  it("folds the log up to a position: the workers read model as it was then, not as it is now", async () => {
    const db = await open();
    await db.events.append("worker-w1", [sample("WorkerSpawned", { workerId: "w1" })], {
      expectedVersion: "no_stream",
    });
    await db.events.append("worker-w1", [sample("WorkerStarted", { attempt: 1 })], { expectedVersion: 0n });
    await db.events.append("worker-w2", [sample("WorkerSpawned", { workerId: "w2" })], {
      expectedVersion: "no_stream",
    });
    await db.events.append("worker-w1", [sample("WorkerReported", { summary: "done" })], { expectedVersion: 1n });
    await db.runner.catchUp();
    const now = await db.readModels.selectFrom("workers").select(["id", "status"]).orderBy("id").execute();
    expect(now).toEqual([
      { id: "w1", status: "reported" },
      { id: "w2", status: "spawned" },
    ]);

    const expected: Record<number, { id: string; status: string }[]> = {
      0: [],
      1: [{ id: "w1", status: "spawned" }],
      2: [{ id: "w1", status: "running" }],
      3: [
        { id: "w1", status: "running" },
        { id: "w2", status: "spawned" },
      ],
      4: now,
    };
    for (const [position, rows] of Object.entries(expected)) {
      const then = await projectAt(db.events, BigInt(position), quiet);
      try {
        expect(then.position).toBe(BigInt(position));
        expect(await then.readModels.selectFrom("workers").select(["id", "status"]).orderBy("id").execute()).toEqual(
          rows,
        );
      } finally {
        await then.close();
      }
    }

    // The stored read model is untouched, and a position past the head folds the whole log.
    expect(await db.readModels.selectFrom("workers").select(["id", "status"]).orderBy("id").execute()).toEqual(now);
    const later = await projectAt(db.events, 99n, { ...quiet, projections: [workersProjection] });
    expect(later.position).toBe(4n);
    expect(later.database.prepare("SELECT count(*) AS n FROM workers").get()).toEqual({ n: 2 });
    await later.close();
    expect(later.database.open).toBe(false);
  });

  it.each([
    ["a log file", (file: string) => file],
    ["an in-memory log", () => ":memory:"],
  ])("reads message text from %s as it was, and leaves the stored read models alone", async (_, where) => {
    const dir = await open();
    const db = await openColonyDatabase(where(dir.file), quiet);
    try {
      await db.events.append(
        "conversation-k1",
        [sample("ConversationStarted", { conversationId: "k1" }), part(0, "first")],
        {
          expectedVersion: "no_stream",
        },
      );
      await db.events.append("conversation-k1", [part(1, "second")], { expectedVersion: 1n });
      await db.runner.catchUp();
      const stored = hashProjectionTables(db.events.database, allProjections);

      const then = await projectAt(db.events, 2n, quiet);
      try {
        const context = await liveContext(then.readModels, "k1");
        expect(context?.parts.map((p) => p.content)).toEqual(["first"]);
      } finally {
        await then.close();
      }
      expect(hashProjectionTables(db.events.database, allProjections)).toEqual(stored);
      expect((await liveContext(db.readModels, "k1"))?.parts.map((p) => p.content)).toEqual(["first", "second"]);
    } finally {
      await db.close();
    }
  });

  it("refuses a negative position", async () => {
    const db = await open();
    await expect(projectAt(db.events, -1n)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

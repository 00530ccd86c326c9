import { afterEach, expect, it } from "vitest";
import {
  openPostgresColonyDatabase,
  type PostgresColonyDatabase,
} from "../../../src/adapters/postgres/open-postgres-colony-database.js";
import {
  catchUpPostgresProjections,
  hashPostgresProjectionTables,
  hashPostgresTable,
  postgresProjectionReports,
  rebuildPostgresProjections,
} from "../../../src/adapters/postgres/postgres-projection-maintenance.js";
import { readModelPool } from "../../../src/adapters/postgres/postgres-projection-read-models.js";
import { differingTables } from "../../../src/adapters/read-model-hash.js";
import { sessionsProjection } from "../../../src/projections/colonies/sessions-projection.js";
import { allProjections } from "../../../src/projections/read-models.js";
import { workersProjection } from "../../../src/projections/workers/workers-projection.js";
import { ColonyStory, seededDraw } from "../../projections/runner/colony-story.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";
import { sample } from "../../support/sample-events.js";

const closing: { close(): Promise<void> }[] = [];
const dropping: PostgresDatabase[] = [];
afterEach(async () => {
  for (const resource of closing.splice(0).reverse()) await resource.close();
  for (const database of dropping.splice(0)) await database.drop();
});

async function database(): Promise<PostgresDatabase> {
  const created = await freshPostgresDatabase();
  dropping.push(created);
  return created;
}

async function colony(url: string, projections = allProjections): Promise<PostgresColonyDatabase> {
  const db = await openPostgresColonyDatabase(url, { projections, pollIntervalMs: 20, warn: () => {} });
  closing.push(db);
  return db;
}

function pool(url: string) {
  const opened = readModelPool({ connectionString: url, max: 2 });
  closing.push({ close: () => opened.end() });
  return opened;
}

describePostgres("PostgreSQL projection maintenance", () => {
  it("reports each projection against the head: never built, up to date, behind, needs rebuild, not in this colonylog", async () => {
    const { url } = await database();
    const reads = pool(url);
    expect((await postgresProjectionReports(reads, [workersProjection], 0n)).map((r) => r.state)).toEqual([
      "never built",
    ]);
    const db = await colony(url, [workersProjection, sessionsProjection]);
    await db.events.append("worker-a", [sample("WorkerSpawned", { workerId: "a" })], { expectedVersion: "no_stream" });
    const head = await db.events.headPosition();
    const [workers, ...others] = await postgresProjectionReports(reads, [workersProjection], head);
    expect(workers).toEqual({
      name: "workers",
      version: workersProjection.version,
      storedVersion: workersProjection.version,
      checkpoint: 0n,
      lag: head,
      needsRebuild: false,
      state: "behind",
    });
    // Built here, but not among the projections asked about.
    expect(others.map((r) => [r.name, r.state, r.version, r.storedVersion])).toEqual([
      ["sessions", "not in this colonylog", null, sessionsProjection.version],
    ]);
    await db.runner.catchUp();
    const bumped = { ...workersProjection, version: workersProjection.version + 1 };
    expect((await postgresProjectionReports(reads, [bumped], head))[0]).toMatchObject({
      state: "needs rebuild",
      needsRebuild: true,
      version: workersProjection.version + 1,
      storedVersion: workersProjection.version,
    });
    expect((await postgresProjectionReports(reads, [workersProjection], head))[0]).toMatchObject({
      state: "up to date",
      checkpoint: head,
      lag: 0n,
    });
  });

  it("rebuilds read models equal to the incremental ones, and the hash tells a changed row", async () => {
    const { url } = await database();
    const db = await colony(url);
    for (const append of new ColonyStory(seededDraw(21)).appends(150)) await db.events.appendMany([append]);
    const head = await db.events.headPosition();
    const reads = pool(url);
    // Caught up in two legs, as a follower would, then rebuilt from nothing in one.
    await catchUpPostgresProjections(db.events, reads, allProjections, { to: head / 2n, batchSize: 7 });
    await catchUpPostgresProjections(db.events, reads, allProjections, { batchSize: 50 });
    const before = await hashPostgresProjectionTables(reads, allProjections);
    expect(before.every((h) => h.exists)).toBe(true);
    const progress: bigint[] = [];
    const reached = await rebuildPostgresProjections(db.events, reads, allProjections, {
      batchSize: 64,
      onProgress: (p) => progress.push(p.position),
    });
    expect(reached).toBe(head);
    expect(progress.at(-1)).toBe(head);
    const after = await hashPostgresProjectionTables(reads, allProjections);
    expect(differingTables(before, after)).toEqual([]);
    expect(after.reduce((n, h) => n + h.rows, 0)).toBeGreaterThan(100);

    await reads.query("UPDATE workers SET status = 'x' WHERE id = (SELECT min(id) FROM workers)");
    expect(differingTables(after, await hashPostgresProjectionTables(reads, allProjections))).toEqual(["workers"]);
  });

  it("hashes a table that is not there as absent", async () => {
    const { url } = await database();
    expect(await hashPostgresTable(pool(url), "workers")).toMatchObject({ exists: false, rows: 0 });
  });
});

import { afterEach, expect, it } from "vitest";
import { PostgresEventStore } from "../../../src/adapters/postgres/postgres-event-store.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";
import { part } from "../../support/sample-events.js";
import { cli } from "../cli/helpers.js";

let database: PostgresDatabase | undefined;
afterEach(async () => {
  await database?.drop();
  database = undefined;
});

describePostgres("colony demo --db postgres://", () => {
  it("runs the story on PostgreSQL twice in a row, and the commands it prints work on what it left", async () => {
    database = await freshPostgresDatabase();
    let report = "";
    for (let run = 0; run < 2; run++) {
      const result = await cli(["demo", "--db", database.url]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      // Recreated, not appended to: the same story's count both times.
      expect(result.stdout).toMatch(/^colony demo: 808 events in postgres:\/\//);
      expect(result.stdout).toContain("ledger: 24 done");
      expect(result.stdout).toContain("reproduced the original outcome");
      report = result.stdout;
    }
    const [, worker, from] = report.match(/colony replay (\S+) --db \S+ --from (\d+)/) ?? [];
    const replayed = await cli(["replay", worker as string, "--db", database.url, "--from", from as string]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain("reproduced; 0 divergences");
    const tasks = await cli(["tasks", "list", "--db", database.url, "--colony", "texts", "--json"]);
    expect((tasks.stdout.match(/"evidence":"[^"]*sha256 [0-9a-f]{64}/g) ?? []).length).toBe(24);
  });

  it("refuses to remove a PostgreSQL log it did not write, which keeps every event", async () => {
    database = await freshPostgresDatabase();
    const store = await PostgresEventStore.open(database.url);
    try {
      await store.append("conversation-precious", [part(0), part(1)], { expectedVersion: "no_stream" });
      const result = await cli(["demo", "--db", database.url]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("is not a log the demo wrote; refusing to delete it");
      let count = 0;
      for await (const _ of store.readAll()) count++;
      expect(count).toBe(2);
    } finally {
      await store.close();
    }
  });
});

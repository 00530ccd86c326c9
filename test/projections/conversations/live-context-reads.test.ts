import { Kysely, SqliteDialect } from "kysely";
import { describe, expect, it } from "vitest";
import type { ConversationsReadModel } from "../../../src/projections/conversations/conversations-projection.js";
import { liveContext } from "../../../src/projections/conversations/live-context.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { compacted, conversationsDatabase, forked, parts, started } from "./fixtures.js";

const open = colonyDatabases();

/** 10,000 parts behind three levels of forks: 4,000 + 3,000 + 2,000 + 1,000. */
async function deepChain(c: Awaited<ReturnType<typeof conversationsDatabase>>) {
  const v1 = await c.append("k1", started("k1"), ...parts("k1", 0, 4000));
  const v2 = await c.append("k2", forked("k2", "k1", v1), ...parts("k2", 4000, 3000));
  const v3 = await c.append("k3", forked("k3", "k2", v2), ...parts("k3", 7000, 2000));
  await c.append("k4", forked("k4", "k3", v3), ...parts("k4", 9000, 1000));
  // Noise the fork chain must skip: the ancestors go on after their forks.
  await c.append("k1", ...parts("k1", 4000, 500));
  await c.append("k2", ...parts("k2", 7000, 500));
  await c.append("k3", ...parts("k3", 9000, 500));
  await c.db.runner.catchUp();
}

describe("conversations projection: the live-context read", () => {
  it("given 10,000 parts behind three levels of forks, then the live context has them all in seq order", async () => {
    const c = await conversationsDatabase(open);
    await deepChain(c);
    const context = await liveContext(c.readModels, "k4");
    expect(context?.parts).toHaveLength(10_000);
    expect(context?.parts.map((p) => p.seq)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(context?.parts.filter((p) => !p.inherited)).toHaveLength(1000);
    expect(context?.parts[3999]?.content).toBe("k1 3999");
    expect(context?.parts[4000]?.content).toBe("k2 4000");
    expect(context?.ancestry.map((a) => a.upToVersion)).toEqual([4000, 3000, 2000, null]);

    await c.append("k4", compacted(9499, "most of it"));
    const after = await c.live("k4");
    expect(after?.parts).toHaveLength(501);
    expect(after?.parts[0]).toMatchObject({ summary: true, content: "most of it" });
    expect(after?.parts[1]?.seq).toBe(9500);
  });

  it("reads in two queries that search the indexes (and one by position for text it has not parsed yet), never scanning", async () => {
    const c = await conversationsDatabase(open);
    await deepChain(c);
    const database = c.db.projections.database;
    const queries: { sql: string; parameters: readonly unknown[] }[] = [];
    const logged = new Kysely<ConversationsReadModel>({
      dialect: new SqliteDialect({ database }),
      log: (event) => {
        if (event.level === "query") queries.push(event.query);
      },
    });
    await liveContext(logged, "k4");
    expect(queries).toHaveLength(3);
    expect(queries[2]?.sql).toMatch(/from "events"/);
    await c.append("k4", compacted(9499, "most of it"));
    await c.db.runner.catchUp();
    // Every visible part was parsed by the first read: no query for text this time.
    await liveContext(logged, "k4");
    expect(queries).toHaveLength(5);
    for (const query of queries) {
      const plan = (
        database.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.parameters) as { detail: string }[]
      ).map((row) => row.detail);
      // Every table is reached by a SEARCH on an index or primary key, none by a SCAN.
      expect(
        plan.filter((line) => line.startsWith("SCAN")),
        plan.join("\n"),
      ).toEqual([]);
      // Past a compaction boundary the parts are found by seq, skipping the compacted ones.
      const partsBy = query.sql.includes('"p"."seq" >')
        ? /conversation_parts_seq/
        : /conversation_parts_seq|PRIMARY KEY/;
      expect(
        plan.every((line) => !/conversation_parts|\bp\b/.test(line) || partsBy.test(line)),
        plan.join("\n"),
      ).toBe(true);
    }
  });
});

import { describe, expect, it } from "vitest";
import { colonyDatabases } from "../../support/colony-database.js";
import { contents, conversationsDatabase, forked, parts, started } from "./fixtures.js";

const open = colonyDatabases();

describe("conversations projection: forks", () => {
  it("given a fork, then the child reads the parent up to the fork version only, then its own parts", async () => {
    const c = await conversationsDatabase(open);
    const forkAt = await c.append("k1", started("k1"), ...parts("k1", 0, 4)); // versions 0..4
    await c.append("k2", forked("k2", "k1", forkAt), ...parts("k2", 4, 2));
    // The parent goes on after the fork: the child must not see it.
    await c.append("k1", ...parts("k1", 4, 2));
    // A fork from the middle of the parent's stream: version 2 is the part with seq 1.
    await c.append("k3", forked("k3", "k1", 2));
    await c.db.runner.catchUp();
    const k3 = await c.readModels
      .selectFrom("conversations")
      .select(["next_seq", "part_count"])
      .where("id", "=", "k3")
      .executeTakeFirstOrThrow();
    expect(k3).toEqual({ next_seq: 2, part_count: 0 });
    await c.append("k3", ...parts("k3", 2, 1));

    const child = await c.live("k2");
    expect(contents(child)).toEqual(["k1 0", "k1 1", "k1 2", "k1 3", "k2 4", "k2 5"]);
    expect(child?.parts.map((p) => p.inherited)).toEqual([true, true, true, true, false, false]);
    expect(child?.parts.map((p) => [p.conversationId, p.version])).toEqual([
      ["k1", 1],
      ["k1", 2],
      ["k1", 3],
      ["k1", 4],
      ["k2", 1],
      ["k2", 2],
    ]);
    expect(child).toMatchObject({
      conversationId: "k2",
      systemPrompt: "prompt of k1",
      ancestry: [
        { conversationId: "k1", upToVersion: 4, depth: 0 },
        { conversationId: "k2", upToVersion: null, depth: 1 },
      ],
      compaction: null,
    });
    expect(contents(await c.live("k3"))).toEqual(["k1 0", "k1 1", "k3 2"]);
    expect(contents(await c.live("k1"))).toEqual(["k1 0", "k1 1", "k1 2", "k1 3", "k1 4", "k1 5"]);

    const row = await c.readModels.selectFrom("conversations").selectAll().where("id", "=", "k2").executeTakeFirst();
    expect(row).toMatchObject({
      owner_kind: "worker",
      owner_id: "w-k2",
      system_prompt: "prompt of k1",
      parent_id: "k1",
      parent_version: 4,
      fork_reason: "spawn",
      root_id: "k1",
      depth: 1,
      last_version: 2,
      part_count: 2,
      next_seq: 6,
    });
    const parent = await c.readModels.selectFrom("conversations").select("limits").where("id", "=", "k1").execute();
    expect(row?.limits).toBe(parent[0]?.limits);
  });

  it("given forks, then the fork handler writes ancestry rows and no part rows", async () => {
    const c = await conversationsDatabase(open);
    const head = await c.append("k1", started("k1"), ...parts("k1", 0, 50));
    await c.db.runner.catchUp();
    expect(await c.count("conversation_parts")).toBe(50);
    expect(await c.count("conversation_ancestry")).toBe(1);

    await c.append("k2", forked("k2", "k1", head));
    await c.append("k3", forked("k3", "k2", 0));
    await c.db.runner.catchUp();
    expect(await c.count("conversation_parts")).toBe(50);
    // O(depth) rows: k1 itself; k2: k1 + itself; k3: k1 + k2 + itself.
    expect(await c.count("conversation_ancestry")).toBe(6);
    const k3 = await c.live("k3");
    expect(k3?.parts).toHaveLength(50);
    expect(k3?.ancestry).toEqual([
      { conversationId: "k1", upToVersion: 50, depth: 0 },
      { conversationId: "k2", upToVersion: 0, depth: 1 },
      { conversationId: "k3", upToVersion: null, depth: 2 },
    ]);
  });

  it("given forks of forks (depth 3 and 4), then each level reads its ancestors up to their fork versions", async () => {
    const c = await conversationsDatabase(open);
    const v1 = await c.append("k1", started("k1"), ...parts("k1", 0, 3));
    const v2 = await c.append("k2", forked("k2", "k1", v1), ...parts("k2", 3, 2));
    await c.append("k1", ...parts("k1", 3, 1)); // after the fork: never seen below
    const v3 = await c.append("k3", forked("k3", "k2", v2), ...parts("k3", 5, 1));
    await c.append("k2", ...parts("k2", 5, 1));
    const v4 = await c.append("k4", forked("k4", "k3", v3), ...parts("k4", 6, 2));
    await c.append("k3", ...parts("k3", 6, 1));
    await c.append("k5", forked("k5", "k4", v4), ...parts("k5", 8, 1));
    await c.append("k4", ...parts("k4", 8, 1));
    // A fork at version 0 of k2 (its fork marker) inherits k1 up to k2's fork version, no k2 part.
    await c.append("k6", forked("k6", "k2", 0), ...parts("k6", 3, 1));

    const k4 = await c.live("k4");
    expect(contents(k4)).toEqual(["k1 0", "k1 1", "k1 2", "k2 3", "k2 4", "k3 5", "k4 6", "k4 7", "k4 8"]);
    expect(k4?.ancestry).toEqual([
      { conversationId: "k1", upToVersion: 3, depth: 0 },
      { conversationId: "k2", upToVersion: 2, depth: 1 },
      { conversationId: "k3", upToVersion: 1, depth: 2 },
      { conversationId: "k4", upToVersion: null, depth: 3 },
    ]);
    const k5 = await c.live("k5");
    expect(contents(k5)).toEqual(["k1 0", "k1 1", "k1 2", "k2 3", "k2 4", "k3 5", "k4 6", "k4 7", "k5 8"]);
    expect(k5?.ancestry.map((a) => [a.conversationId, a.upToVersion, a.depth])).toEqual([
      ["k1", 3, 0],
      ["k2", 2, 1],
      ["k3", 1, 2],
      ["k4", 2, 3],
      ["k5", null, 4],
    ]);
    expect(k5?.systemPrompt).toBe("prompt of k1");
    expect(k5?.parts.filter((p) => !p.inherited).map((p) => p.content)).toEqual(["k5 8"]);
    expect(contents(await c.live("k6"))).toEqual(["k1 0", "k1 1", "k1 2", "k6 3"]);
    expect(contents(await c.live("k3"))).toEqual(["k1 0", "k1 1", "k1 2", "k2 3", "k2 4", "k3 5", "k3 6"]);

    const rows = await c.readModels
      .selectFrom("conversations")
      .select(["id", "depth", "root_id", "parent_id", "next_seq"])
      .orderBy("id")
      .execute();
    expect(rows).toEqual([
      { id: "k1", depth: 0, root_id: "k1", parent_id: null, next_seq: 4 },
      { id: "k2", depth: 1, root_id: "k1", parent_id: "k1", next_seq: 6 },
      { id: "k3", depth: 2, root_id: "k1", parent_id: "k2", next_seq: 7 },
      { id: "k4", depth: 3, root_id: "k1", parent_id: "k3", next_seq: 9 },
      { id: "k5", depth: 4, root_id: "k1", parent_id: "k4", next_seq: 9 },
      { id: "k6", depth: 2, root_id: "k1", parent_id: "k2", next_seq: 4 },
    ]);
  });

  it("orders by seq, ancestors first on a tie, even when a writer breaks the seq convention", async () => {
    const c = await conversationsDatabase(open);
    const forkAt = await c.append("k1", started("k1"), ...parts("k1", 0, 3));
    // Seqs that should continue at 3 but restart lower: the read still sorts by seq.
    await c.append("k2", forked("k2", "k1", forkAt), ...parts("k2", 1, 1), ...parts("k2", 0, 1), ...parts("k2", 5, 1));
    expect(contents(await c.live("k2"))).toEqual(["k1 0", "k2 0", "k1 1", "k2 1", "k1 2", "k2 5"]);
  });
});

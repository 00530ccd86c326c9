import { describe, expect, it } from "vitest";
import { colonyDatabases } from "../../support/colony-database.js";
import { compacted, contents, conversationsDatabase, forked, parts, started } from "./fixtures.js";

const open = colonyDatabases();

describe("conversations projection: compaction", () => {
  it("given a compaction, then the parts up to throughSeq are replaced by one summary part, first", async () => {
    const c = await conversationsDatabase(open);
    await c.append("k1", started("k1"), ...parts("k1", 0, 6), compacted(3, "S1"), ...parts("k1", 6, 1));
    const context = await c.live("k1");
    expect(contents(context)).toEqual(["[S1]", "k1 4", "k1 5", "k1 6"]);
    expect(context?.compaction).toEqual({
      conversationId: "k1",
      version: 7,
      throughSeq: 3,
      summary: "S1",
      method: "llm",
    });
    expect(context?.parts[0]).toEqual({
      conversationId: "k1",
      version: 7,
      seq: 3,
      role: "user",
      content: "S1",
      toolCalls: null,
      toolCallId: null,
      flags: null,
      model: null,
      usage: null,
      latencyMs: null,
      inherited: false,
      summary: true,
    });
    expect(context?.parts.filter((p) => p.summary)).toHaveLength(1);

    const row = await c.readModels
      .selectFrom("conversation_compactions")
      .selectAll()
      .where("conversation_id", "=", "k1")
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      version: 7,
      through_seq: 3,
      summary: "S1",
      method: "llm",
      parts_compacted: 4,
      tokens_before: 5000,
      tokens_after: 300,
    });

    // A later compaction supersedes the first.
    await c.append("k1", compacted(5, "S2"));
    expect(contents(await c.live("k1"))).toEqual(["[S2]", "k1 6"]);
  });

  it("given a compaction in the parent, then a child forked after it sees it and one forked before does not", async () => {
    const c = await conversationsDatabase(open);
    const before = await c.append("k1", started("k1"), ...parts("k1", 0, 6)); // version 6
    await c.append("kA", forked("kA", "k1", before), ...parts("kA", 6, 1));
    const after = await c.append("k1", compacted(3, "S")); // version 7
    await c.append("kB", forked("kB", "k1", after), ...parts("kB", 6, 1));
    // Forked later in time, but at a version before the compaction: the compaction is not its past.
    await c.append("kC", forked("kC", "k1", before));
    // Grandchildren follow their parent.
    await c.append("kA2", forked("kA2", "kA", 1));
    await c.append("kB2", forked("kB2", "kB", 1), ...parts("kB2", 7, 1));

    const a = await c.live("kA");
    expect(contents(a)).toEqual(["k1 0", "k1 1", "k1 2", "k1 3", "k1 4", "k1 5", "kA 6"]);
    expect(a?.compaction).toBeNull();
    const b = await c.live("kB");
    expect(contents(b)).toEqual(["[S]", "k1 4", "k1 5", "kB 6"]);
    expect(b?.compaction).toMatchObject({ conversationId: "k1", version: 7, throughSeq: 3 });
    expect(b?.parts[0]).toMatchObject({ summary: true, inherited: true, conversationId: "k1" });
    expect(contents(await c.live("kC"))).toEqual(["k1 0", "k1 1", "k1 2", "k1 3", "k1 4", "k1 5"]);
    expect(contents(await c.live("kA2"))).toEqual(["k1 0", "k1 1", "k1 2", "k1 3", "k1 4", "k1 5", "kA 6"]);
    expect(contents(await c.live("kB2"))).toEqual(["[S]", "k1 4", "k1 5", "kB 6", "kB2 7"]);
    expect(contents(await c.live("k1"))).toEqual(["[S]", "k1 4", "k1 5"]);
  });

  it("given a compaction in the child itself, then it supersedes the inherited one for it alone", async () => {
    const c = await conversationsDatabase(open);
    await c.append("k1", started("k1"), ...parts("k1", 0, 4)); // versions 0..4
    const forkAt = await c.append("k1", compacted(1, "P")); // version 5
    const before = await c.append("k2", forked("k2", "k1", forkAt), ...parts("k2", 4, 3)); // versions 0..3
    await c.append("k2", compacted(5, "C"), ...parts("k2", 7, 1)); // versions 4, 5
    await c.append("k3", forked("k3", "k2", before)); // before the child's compaction

    const k2 = await c.live("k2");
    expect(contents(k2)).toEqual(["[C]", "k2 6", "k2 7"]);
    expect(k2?.compaction).toMatchObject({ conversationId: "k2", version: 4, throughSeq: 5, summary: "C" });
    expect(k2?.parts[0]).toMatchObject({ summary: true, inherited: false, seq: 5 });
    expect(contents(await c.live("k1"))).toEqual(["[P]", "k1 2", "k1 3"]);
    expect(contents(await c.live("k3"))).toEqual(["[P]", "k1 2", "k1 3", "k2 4", "k2 5", "k2 6"]);
  });

  it("given compactions, then the full history is still readable, each part marked compacted or not", async () => {
    const c = await conversationsDatabase(open);
    await c.append("k1", started("k1"), ...parts("k1", 0, 4));
    const forkAt = await c.append("k1", compacted(1, "P"));
    await c.append("k2", forked("k2", "k1", forkAt), ...parts("k2", 4, 3), compacted(5, "C"), ...parts("k2", 7, 1));
    await c.append("k1", compacted(3, "P2")); // after the fork: not in k2's history

    const history = await c.history("k2");
    expect(history?.parts.map((p) => [p.content, p.compacted, p.inherited])).toEqual([
      ["k1 0", true, true],
      ["k1 1", true, true],
      ["k1 2", true, true],
      ["k1 3", true, true],
      ["k2 4", true, false],
      ["k2 5", true, false],
      ["k2 6", false, false],
      ["k2 7", false, false],
    ]);
    expect(history?.parts.some((p) => p.summary)).toBe(false);
    expect(history?.compactions.map((k) => [k.conversationId, k.version, k.throughSeq, k.summary])).toEqual([
      ["k1", 5, 1, "P"],
      ["k2", 4, 5, "C"],
    ]);
    expect(history?.compaction).toMatchObject({ conversationId: "k2", summary: "C" });
    expect(history?.systemPrompt).toBe("prompt of k1");

    const root = await c.history("k1");
    expect(root?.parts.map((p) => p.content)).toEqual(["k1 0", "k1 1", "k1 2", "k1 3"]);
    expect(root?.compactions.map((k) => k.summary)).toEqual(["P", "P2"]);
    expect(await c.count("conversation_parts")).toBe(8);
  });

  it("given a rebuild, then the replayed read model gives the same live contexts and histories", async () => {
    const c = await conversationsDatabase(open);
    await c.append("k1", started("k1"), ...parts("k1", 0, 4));
    const forkAt = await c.append("k1", compacted(1, "P"));
    const mid = await c.append("k2", forked("k2", "k1", forkAt), ...parts("k2", 4, 3));
    await c.append("k2", compacted(5, "C"), ...parts("k2", 7, 1));
    await c.append("k3", forked("k3", "k2", mid), ...parts("k3", 7, 2));
    const ids = ["k1", "k2", "k3"];
    const read = async () => Promise.all(ids.flatMap((id) => [c.live(id), c.history(id)]));
    const before = await read();
    await c.db.projections.reset(["conversations"]);
    expect(await c.count("conversation_parts")).toBe(0);
    expect(await read()).toEqual(before);
  });
});

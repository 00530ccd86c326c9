import { describe, expect, it } from "vitest";
import { conversationHistory, liveContext } from "../../../src/projections/conversations/live-context.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { part, sample } from "../../support/sample-events.js";
import { contents, conversationsDatabase, forked, parts, started } from "./fixtures.js";

const open = colonyDatabases();

describe("conversations projection: rows", () => {
  it("given a started conversation with parts, then the rows and the live context hold them", async () => {
    const c = await conversationsDatabase(open);
    await c.append("k1", started("k1"), ...parts("k1", 0, 3));
    const context = await c.live("k1");

    const row = await c.readModels.selectFrom("conversations").selectAll().where("id", "=", "k1").executeTakeFirst();
    expect(row).toMatchObject({
      owner_kind: "queen",
      owner_id: "q1",
      system_prompt: "prompt of k1",
      parent_id: null,
      parent_version: null,
      root_id: "k1",
      depth: 0,
      last_version: 3,
      part_count: 3,
      next_seq: 3,
      compacted_through_seq: null,
    });
    expect(JSON.parse(row?.limits ?? "null")).toEqual({
      maxContextTokens: 100_000,
      compactionBufferTokens: 4_000,
      compactionRatio: 0.1,
    });
    // Each part row points at its event in the log, which alone holds the text.
    const rows = await c.readModels
      .selectFrom("conversation_parts")
      .select(["conversation_id", "version", "seq", "position"])
      .orderBy("version")
      .execute();
    expect(rows).toEqual([
      { conversation_id: "k1", version: 1, seq: 0, position: 2 },
      { conversation_id: "k1", version: 2, seq: 1, position: 3 },
      { conversation_id: "k1", version: 3, seq: 2, position: 4 },
    ]);
    const events = [];
    for await (const event of c.db.events.readAll({ from: 2n })) events.push(event);
    expect(events.map((e) => [e.version, (e.data as { content: string }).content])).toEqual([
      [1n, "k1 0"],
      [2n, "k1 1"],
      [3n, "k1 2"],
    ]);

    expect(context).toMatchObject({
      conversationId: "k1",
      systemPrompt: "prompt of k1",
      ancestry: [{ conversationId: "k1", upToVersion: null, depth: 0 }],
      compaction: null,
    });
    expect(contents(context)).toEqual(["k1 0", "k1 1", "k1 2"]);
    expect(context?.parts.map((p) => [p.conversationId, p.version, p.seq, p.inherited, p.summary])).toEqual([
      ["k1", 1, 0, false, undefined],
      ["k1", 2, 1, false, undefined],
      ["k1", 3, 2, false, undefined],
    ]);
  });

  it("takes the conversation id from the stream, whatever the payload says", async () => {
    const c = await conversationsDatabase(open);
    await c.append("k9", started("k1"), part(0));
    await c.db.runner.catchUp();
    const ids = await c.readModels.selectFrom("conversations").select("id").execute();
    expect(ids).toEqual([{ id: "k9" }]);
    expect(contents(await c.live("k9"))).toEqual(["part 0"]);
  });

  it("given an unknown conversation, then there is no live context and no history", async () => {
    const c = await conversationsDatabase(open);
    await c.append("k1", started("k1"), ...parts("k1", 0, 2));
    await c.db.runner.catchUp();
    expect(await liveContext(c.readModels, "nope")).toBeUndefined();
    expect(await conversationHistory(c.readModels, "nope")).toBeUndefined();
  });

  it("given contents with quotes, escapes, control characters, NUL and astral characters, then they read back intact", async () => {
    const c = await conversationsDatabase(open);
    const tricky = [
      'quote " backslash \\ slash / json {"a":[1]}',
      "line\nbreak\ttab\r\u0001\u001f",
      "nul \u0000 inside",
      "émoji 🐜 and \u2028 separators \u2029",
      "",
    ];
    await c.append("k1", started("k1"), ...tricky.map((content, seq) => part(seq, content)));
    expect((await c.live("k1"))?.parts.map((p) => p.content)).toEqual(tricky);
  });

  it("given CheckpointMarked events, then each is a row naming the version it labels", async () => {
    const c = await conversationsDatabase(open);
    await c.append(
      "k1",
      started("k1"),
      ...parts("k1", 0, 2),
      sample("CheckpointMarked", { label: "before tools", version: 2 }),
      part(2, "k1 2"),
      sample("CheckpointMarked", { label: "after tools", version: 4 }),
    );
    const context = await c.live("k1");
    const rows = await c.readModels
      .selectFrom("conversation_checkpoints")
      .select(["conversation_id", "version", "marked_version", "label"])
      .orderBy("version")
      .execute();
    expect(rows).toEqual([
      { conversation_id: "k1", version: 3, marked_version: 2, label: "before tools" },
      { conversation_id: "k1", version: 5, marked_version: 4, label: "after tools" },
    ]);
    const row = await c.readModels
      .selectFrom("conversations")
      .select(["last_version", "part_count"])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ last_version: 5, part_count: 3 });
    expect(contents(context)).toEqual(["k1 0", "k1 1", "k1 2"]);
  });

  it("given tool calls and a tool result, then they round-trip, also through a fork", async () => {
    const c = await conversationsDatabase(open);
    const toolCalls = [
      { id: "call_1", name: "search", arguments: { query: "ants", limit: 3, nested: [1, null, "x", { deep: true }] } },
      { id: "call_2", name: "fetch", arguments: "https://example.org" },
    ];
    const version = await c.append(
      "k1",
      started("k1"),
      sample("MessagePartAppended", { seq: 0, role: "user", content: "find ants", flags: { clientInput: true } }),
      sample("MessagePartAppended", {
        seq: 1,
        role: "assistant",
        content: "",
        toolCalls,
        model: "claude-test",
        usage: { inputTokens: 120, outputTokens: 30 },
        latencyMs: 850,
      }),
      sample("MessagePartAppended", {
        seq: 2,
        role: "tool",
        content: "3 results",
        toolCallId: "call_1",
        flags: { trigger: false, inherited: true },
      }),
    );
    await c.append("k2", forked("k2", "k1", version));
    const expected = [
      {
        seq: 0,
        role: "user",
        content: "find ants",
        toolCalls: null,
        toolCallId: null,
        flags: { clientInput: true },
        model: null,
        usage: null,
        latencyMs: null,
      },
      {
        seq: 1,
        role: "assistant",
        content: "",
        toolCalls,
        toolCallId: null,
        flags: null,
        model: "claude-test",
        usage: { inputTokens: 120, outputTokens: 30 },
        latencyMs: 850,
      },
      {
        seq: 2,
        role: "tool",
        content: "3 results",
        toolCalls: null,
        toolCallId: "call_1",
        flags: { trigger: false, inherited: true },
        model: null,
        usage: null,
        latencyMs: null,
      },
    ];
    const own = await c.live("k1");
    expect(own?.parts).toEqual(
      expected.map((p, i) => ({ ...p, conversationId: "k1", version: i + 1, inherited: false })),
    );
    const child = await c.live("k2");
    expect(child?.parts).toEqual(
      expected.map((p, i) => ({ ...p, conversationId: "k1", version: i + 1, inherited: true })),
    );

    const history = await c.history("k2");
    expect(history?.parts.map(({ compacted, ...rest }) => rest)).toEqual(child?.parts);
  });
});

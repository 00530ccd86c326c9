import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import type { NewEvent } from "../../../src/domain/envelope.js";
import { sample } from "../../support/sample-events.js";
import { cli, collect, headOf, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
let db: string;
beforeEach(async () => {
  tmp = tempDir();
  db = tmp.path("log.db");
  await story(db);
});
afterEach(() => tmp.remove());

const LONG = `a long answer ${"word ".repeat(30)}`;

async function append(file: string, streamId: string, events: NewEvent[]): Promise<void> {
  const store = SqliteEventStore.open(file);
  try {
    await store.append(streamId, events, { expectedVersion: "no_stream" });
  } finally {
    await store.close();
  }
}

const fork = (id: string, parent: string, parentVersion: number, ...parts: NewEvent[]): NewEvent[] => [
  sample("ConversationForked", { conversationId: id, parentConversationId: parent, parentVersion }),
  ...parts,
];
const user = (seq: number, content: string) => sample("MessagePartAppended", { seq, role: "user", content });

/**
 * k1: started (v0), parts seq 0-2 (v1-v3), compacted through seq 1 (v4), part seq 3 (v5). k2 forks
 * k1 at version 5 and adds seq 4 (positions 7-8).
 */
async function story(file: string): Promise<void> {
  await append(file, "conversation-k1", [
    sample("ConversationStarted", { conversationId: "k1" }),
    user(0, "Find papers on ants."),
    sample("MessagePartAppended", {
      seq: 1,
      role: "assistant",
      content: "",
      toolCalls: [{ id: "call_1", name: "search", arguments: { q: "ants" } }],
    }),
    sample("MessagePartAppended", { seq: 2, role: "tool", content: "3 results", toolCallId: "call_1" }),
    sample("ConversationCompacted", { throughSeq: 1 }),
    sample("MessagePartAppended", { seq: 3, role: "assistant", content: "Three papers." }),
  ]);
  await append(file, "conversation-k2", fork("k2", "k1", 5, user(4, "Summarise paper 1.")));
}

describe("colony fork", () => {
  it("appends one ConversationForked at the version and prints only the new conversation's id", async () => {
    const head = await headOf(db);
    const run = await cli(["fork", "k1", "--at", "3", "--db", db]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\n$/);
    const id = run.stdout.trim();

    const store = SqliteEventStore.open(db);
    try {
      const added = await collect(store.readAll({ from: head + 1n }));
      expect(added.map((e) => [e.position, e.streamId, e.version, e.type])).toEqual([
        [head + 1n, `conversation-${id}`, 0n, "ConversationForked"],
      ]);
      expect(added[0]?.data).toEqual({
        conversationId: id,
        owner: { kind: "session", id: "cli" },
        parentConversationId: "k1",
        parentVersion: 3,
        reason: "colony fork at version 3",
      });
      expect(added[0]?.metadata.actor).toBe("cli");
    } finally {
      await store.close();
    }
    // It reads k1 up to version 3: parts seq 0-2, inherited, none of its own.
    const live = JSON.parse((await cli(["inspect", "conversation", id, "--db", db, "--json"])).stdout);
    expect(live.parts.map((p: { seq: number; inherited: boolean }) => [p.seq, p.inherited])).toEqual([
      [0, true],
      [1, true],
      [2, true],
    ]);
  });

  it("--json prints the new id, the parent, the version and the fork's position", async () => {
    const head = await headOf(db);
    const run = await cli(["fork", "k2", "--at", "0", "--db", db, "--json"]);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toEqual({
      conversationId: expect.any(String),
      parentConversationId: "k2",
      parentVersion: 0,
      position: Number(head) + 1,
    });
  });

  it("refuses a version past the head and an unknown conversation, appending nothing", async () => {
    const head = await headOf(db);
    const past = await cli(["fork", "k1", "--at", "6", "--db", db]);
    expect(past.code).toBe(1);
    expect(past.stdout).toBe("");
    expect(past.stderr).toBe(
      "error: conversation k1 has no version 6 (its last is version 5); nothing was appended [fork_past_head]\n",
    );
    const unknown = await cli(["fork", "nope", "--at", "0", "--db", db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: no conversation nope [unknown_conversation]\n");
    const noVersion = await cli(["fork", "k1", "--db", db]);
    expect(noVersion.code).not.toBe(0);
    expect(noVersion.stderr).toContain("--at <version>");
    const negative = await cli(["fork", "k1", "--at", "-1", "--db", db]);
    expect(negative.code).not.toBe(0);
    expect(negative.stderr).toContain("expected a whole number of versions");
    expect(await headOf(db)).toBe(head);

    const atHead = await cli(["fork", "k1", "--at", "5", "--db", db]);
    expect(atHead.code).toBe(0);
    expect(await headOf(db)).toBe(head + 1n);
  });

  it("exits 1 on a missing log without creating it", async () => {
    const missing = tmp.path("missing.db");
    const run = await cli(["fork", "k1", "--at", "0", "--db", missing]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: no log at ${missing} [no_log]\n`);
    expect(existsSync(missing)).toBe(false);
  });
});

describe("colony diff", () => {
  it("names the common ancestor and the shared parts, and shows where one side goes on alone", async () => {
    const run = await cli(["diff", "k1", "k2", "--db", db]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        "A  k1  4 parts (through seq 3), fork depth 0",
        "B  k2  5 parts (through seq 4), fork depth 1",
        "common ancestor: k1 up to version 5 (A itself)",
        "shared: seq 0-3, 4 parts read from the same events",
        "first divergent part: seq 4",
        "  A  (no part: A ends before this seq, B goes on)",
        "  B  user  v1",
        "     content  Summarise paper 1.",
        "",
      ].join("\n"),
    );
  });

  it("shows both sides of the first part that differs, from near the first differing character", async () => {
    await append(db, "conversation-k3", fork("k3", "k1", 5, user(4, "Summarise paper 2.")));
    const short = await cli(["diff", "k2", "k3", "--db", db]);
    expect(short.stdout.split("\n").slice(2)).toEqual([
      "common ancestor: k1 up to version 5 (both descend from it)",
      "shared: seq 0-3, 4 parts read from the same events",
      "first divergent part: seq 4",
      "  differs in: content (content from character 16)",
      "  A  user  v1",
      "     content  Summarise paper 1.",
      "  B  user  v1",
      "     content  Summarise paper 2.",
      "",
    ]);

    await append(db, "conversation-k4", fork("k4", "k1", 5, user(4, `${LONG}then X`)));
    await append(db, "conversation-k5", fork("k5", "k1", 5, user(4, `${LONG}then Y`)));
    const long = await cli(["diff", "k4", "k5", "--db", db], { columns: 60 });
    const lines = long.stdout.trimEnd().split("\n");
    expect(lines.slice(-4)).toEqual([
      "  A  user  v1",
      "     content  …word word word then X",
      "  B  user  v1",
      "     content  …word word word then Y",
    ]);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
  });

  it("shows role, content and tool calls when the sides differ in kind, and says when nothing is shared", async () => {
    await append(db, "conversation-k9", [
      sample("ConversationStarted", { conversationId: "k9" }),
      sample("MessagePartAppended", {
        seq: 0,
        role: "assistant",
        content: "",
        toolCalls: [{ id: "call_9", name: "search", arguments: { q: "bees" } }],
      }),
    ]);
    const run = await cli(["diff", "k1", "k9", "--db", db]);
    expect(run.stdout.split("\n").slice(2)).toEqual([
      "common ancestor: none (different fork roots: nothing is shared)",
      "shared: no part",
      "first divergent part: seq 0",
      "  differs in: role, content, tool calls",
      "  A  user  v1 (compacted)",
      "     content  Find papers on ants.",
      "  B  assistant  v1",
      "     content     (empty)",
      '     tool calls  search {"q":"bees"} [call_9]',
      "",
    ]);
  });

  it("says when two conversations never differ: alike parts recorded apart, a fork at the head, itself", async () => {
    await append(db, "conversation-k6", fork("k6", "k1", 5, user(4, "Summarise paper 1.")));
    const alike = await cli(["diff", "k2", "k6", "--db", db]);
    expect(alike.stdout.split("\n").slice(3)).toEqual([
      "shared: seq 0-3, 4 parts read from the same events",
      "alike: seq 4, 1 part recorded apart with the same role, content and tool calls",
      "no divergent part: the two conversations say the same through their last seq",
      "",
    ]);

    const copy = (await cli(["fork", "k1", "--at", "5", "--db", db])).stdout.trim();
    const identical = await cli(["diff", "k1", copy, "--db", db]);
    expect(identical.stdout.split("\n").slice(2)).toEqual([
      "common ancestor: k1 up to version 5 (A itself)",
      "shared: seq 0-3, 4 parts read from the same events",
      "identical: both read the same events, no part differs",
      "",
    ]);

    const itself = await cli(["diff", "k2", "k2", "--db", db]);
    expect(itself.stdout.split("\n").at(-2)).toBe("A and B are the same conversation: every part is shared");
  });

  it("--json prints the comparison as one object", async () => {
    const run = await cli(["diff", "k1", "k2", "--db", db, "--json"]);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed.commonAncestor).toEqual({ conversationId: "k1", version: 5 });
    expect(printed.shared).toEqual({ fromSeq: 0, throughSeq: 3, parts: 4 });
    expect(printed.alike).toBeNull();
    expect(printed.divergence).toMatchObject({ seq: 4, a: null, differs: [] });
    expect(printed.divergence.b).toMatchObject({
      conversationId: "k2",
      version: 1,
      role: "user",
      content: "Summarise paper 1.",
    });
    expect(printed.a).toMatchObject({ conversationId: "k1", parts: 4, lastSeq: 3 });
  });

  it("exits 1 on an unknown conversation, either side", async () => {
    for (const argv of [
      ["diff", "nope", "k1"],
      ["diff", "k1", "nope"],
    ]) {
      const run = await cli([...argv, "--db", db]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr.trimEnd().split("\n").at(-1)).toBe("error: no conversation nope [unknown_conversation]");
    }
  });
});

import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import { projectAt } from "../../../src/adapters/sqlite/project-at.js";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import { type LiveContext, liveContext } from "../../../src/projections/conversations/live-context.js";
import { sample } from "../../support/sample-events.js";
import { cli, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

const LONG = `a long answer ${"word ".repeat(60)}end`;

/**
 * k1: started (v0, position 1), parts seq 0-2 (v1-v3, positions 2-4), compacted through seq 1
 * (v4, position 5), part seq 3 (v5, position 6). k2 forks k1 at version 5 (position 7) and adds
 * part seq 4 (v1, position 8).
 */
async function story(file: string): Promise<void> {
  const store = SqliteEventStore.open(file);
  try {
    await store.append(
      "conversation-k1",
      [
        sample("ConversationStarted", { conversationId: "k1", systemPrompt: "You are the queen.\nBe brief." }),
        sample("MessagePartAppended", { seq: 0, role: "user", content: "Find papers on ants." }),
        sample("MessagePartAppended", {
          seq: 1,
          role: "assistant",
          content: "",
          toolCalls: [{ id: "call_1", name: "search", arguments: { q: "ants" } }],
        }),
        sample("MessagePartAppended", { seq: 2, role: "tool", content: "3 results", toolCallId: "call_1" }),
        sample("ConversationCompacted", { throughSeq: 1, summary: "The person asked for papers on ants." }),
        sample("MessagePartAppended", { seq: 3, role: "assistant", content: LONG }),
      ],
      { expectedVersion: "no_stream" },
    );
    await store.append(
      "conversation-k2",
      [
        sample("ConversationForked", { conversationId: "k2", parentConversationId: "k1", parentVersion: 5 }),
        sample("MessagePartAppended", { seq: 4, role: "user", content: "Summarise paper 1." }),
      ],
      { expectedVersion: "no_stream" },
    );
  } finally {
    await store.close();
  }
}

const partLines = (stdout: string) =>
  stdout.split("\n").slice(stdout.split("\n").findIndex((l) => l.includes("SEQ")) + 1, -1);

describe("colony inspect conversation", () => {
  it("prints ancestry, the compaction and the parts with where each comes from, cut to the width", async () => {
    const db = tmp.path("log.db");
    await story(db);
    const run = await cli(["inspect", "conversation", "k2", "--db", db], { columns: 80 });
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines.slice(0, 6)).toEqual([
      "conversation k2 at the head (position 8)",
      "system prompt: You are the queen.⏎Be brief.",
      "ancestry (root first):",
      "  depth 0  k1  up to version 5",
      "  depth 1  k2  (this conversation)",
      "compaction: k1 version 4, through seq 1 (extractive); its summary is the first part",
    ]);
    expect(lines[6]).toBe("parts (4):");
    expect(lines[7]).toMatch(/^ {2}SEQ {2}ROLE {7}FROM {13}CONTENT$/);
    const parts = partLines(run.stdout);
    expect(parts).toHaveLength(4);
    expect(parts[0]).toMatch(/^ {4}1 {2}user {7}summary k1 v4 {4}The person asked for papers on ants\.$/);
    expect(parts[1]).toMatch(/^ {4}2 {2}tool {7}inherited k1 v3 {2}\[answers call_1\] 3 results$/);
    expect(parts[2]).toMatch(/^ {4}3 {2}assistant {2}inherited k1 v5 {2}a long answer word word .*…$/);
    expect(parts[3]).toMatch(/^ {4}4 {2}user {7}v1 {15}Summarise paper 1\.$/);
    for (const line of parts) expect([...line].length).toBeLessThanOrEqual(80);
    // Never written to: the read model was folded in memory, and the user is told.
    expect(run.stderr).toContain("the conversations read model in this log was never built here");
  });

  it("--at shows the conversation as it was then, not as it is now (time travel)", async () => {
    const db = tmp.path("log.db");
    await story(db);
    const then = await cli(["inspect", "conversation", "k1", "--db", db, "--at", "3"]);
    expect(then.code).toBe(0);
    expect(then.stderr).toBe("");
    expect(then.stdout).toContain("conversation k1 at position 3 (head 8)");
    expect(then.stdout).toContain("compaction: none");
    expect(partLines(then.stdout)).toEqual([
      "    0  user       v1    Find papers on ants.",
      "    1  assistant  v2    [calls search]",
    ]);
    const now = await cli(["inspect", "conversation", "k1", "--db", db]);
    expect(partLines(now.stdout).map((l) => l.trim().split(/\s+/)[0])).toEqual(["1", "2", "3"]);

    const beforeFork = await cli(["inspect", "conversation", "k2", "--db", db, "--at", "6"]);
    expect(beforeFork.code).toBe(1);
    expect(beforeFork.stderr).toBe("error: no conversation k2 at position 6 [no_conversation]\n");
    const past = await cli(["inspect", "conversation", "k1", "--db", db, "--at", "100"]);
    expect(past.stdout).toContain("conversation k1 at position 8 (the head; --at 100 is past it)");
  });

  it("--json prints the LiveContext, as liveContext returns it at that position", async () => {
    const db = tmp.path("log.db");
    await story(db);
    const run = await cli(["inspect", "conversation", "k2", "--db", db, "--at", "8", "--json"]);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as LiveContext;
    const store = SqliteEventStore.open(db);
    const at = await projectAt(store, 8n, { warn: () => {} });
    try {
      expect(printed).toEqual(JSON.parse(JSON.stringify(await liveContext(at.readModels, "k2"))));
    } finally {
      await at.close();
      await store.close();
    }
    expect(printed.ancestry.map((a) => a.conversationId)).toEqual(["k1", "k2"]);
    expect(printed.parts.map((p) => [p.seq, p.inherited, p.summary ?? false])).toEqual([
      [1, true, true],
      [2, true, false],
      [3, true, false],
      [4, false, false],
    ]);
    expect(run.stdout.endsWith("}\n")).toBe(true);
  });

  it("reads the stored read model when it is up to date, with the same result", async () => {
    const db = tmp.path("log.db");
    await story(db);
    const inMemory = await cli(["inspect", "conversation", "k2", "--db", db]);
    const built = await openColonyDatabase(db, { warn: () => {} });
    await built.runner.catchUp();
    await built.close();
    const stored = await cli(["inspect", "conversation", "k2", "--db", db]);
    expect(stored.stderr).toBe("");
    expect(stored.stdout).toBe(inMemory.stdout);
  });

  it("exits 1 on an unknown conversation, and on a missing log without creating it", async () => {
    const db = tmp.path("log.db");
    await story(db);
    const unknown = await cli(["inspect", "conversation", "nope", "--db", db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error: no conversation nope [no_conversation]");
    const missing = tmp.path("missing.db");
    const run = await cli(["inspect", "conversation", "k1", "--db", missing]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no log at ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it.each([
    [["inspect"], "colony inspect conversation k1 --db"],
    [["inspect", "conversation"], "colony inspect conversation k2 --db"],
  ])("colony %j --help exits 0 with an example", async (verb, example) => {
    const run = await cli([...verb, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Example:");
    expect(run.stdout).toContain(example);
  });
});

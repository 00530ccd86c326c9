import { describe, expect, it } from "vitest";
import { sessionDecider } from "../../../src/domain/deciders/session.js";
import { handleCommand } from "../../../src/runtime/command-handler.js";
import { answering, neverAnswering } from "../compaction/fake-providers.js";
import { sessionWorlds, TIMEOUT_MS } from "./session-fixture.js";

const world = sessionWorlds();

describe("compactAndFork", () => {
  it("gives a locked session's queen a new, unlocked session whose conversation is a compacted fork", async () => {
    const provider = answering("Counted files 0 to 3; the colony word_counts carries on.");
    const { sessions, conversations, queenSession, sessionRow, streamEvents, db } = await world(provider);
    const source = await queenSession(4);
    await sessions.colonySpawn(source.sessionId, { colonyName: "word_counts", task: "count" });
    const sourceHead = await conversations.head(source.conversationId);

    const result = await sessions.compactAndFork(source.sessionId);

    expect(result).toMatchObject({
      queenId: "charlotte",
      compactedFrom: source.sessionId,
      messagesCompacted: 16,
      method: "llm",
      fallbackReason: null,
    });
    expect(await sessionRow(result.newSessionId)).toMatchObject({
      queen_id: "charlotte",
      conversation_id: result.conversationId,
      phase: "independent",
      provenance: JSON.stringify({ kind: "compacted", fromSessionId: source.sessionId }),
      locked: 0,
    });
    const forked = await streamEvents(`conversation-${result.conversationId}`);
    expect(forked.map((e) => e.type)).toEqual(["ConversationForked", "ConversationCompacted"]);
    expect(forked[0]?.data).toMatchObject({
      parentConversationId: source.conversationId,
      parentVersion: sourceHead.version,
      reason: "compact_and_fork",
    });

    const live = await conversations.live(result.conversationId);
    expect(live.systemPrompt).toBe("You are the queen.");
    expect(live.parts).toHaveLength(1);
    expect(live.parts[0]?.content).toBe(
      "Summary of 16 earlier messages:\nCounted files 0 to 3; the colony word_counts carries on.",
    );
    expect(result.summaryChars).toBe(live.parts[0]?.content.length);
    expect((await conversations.history(result.conversationId)).parts).toHaveLength(16);

    // The source keeps its lock and its full context; the new session takes work.
    expect((await sessionRow(source.sessionId)).locked).toBe(1);
    expect((await conversations.live(source.conversationId)).parts).toHaveLength(16);
    await expect(
      handleCommand(db.events, sessionDecider, `session-${source.sessionId}`, {
        type: "ChangePhase",
        phase: "working",
      }),
    ).rejects.toMatchObject({ code: "session_locked" });
    const changed = await handleCommand(db.events, sessionDecider, `session-${result.newSessionId}`, {
      type: "ChangePhase",
      phase: "working",
    });
    expect(changed.state?.phase).toBe("working");
  });

  it("keeps the last parts live when asked, and falls back to the extractive summary on a timeout", async () => {
    const { sessions, conversations, queenSession, time } = await world(neverAnswering());
    const source = await queenSession(3);

    const pending = sessions.compactAndFork(source.sessionId, { keepLast: 1 });
    await time.untilPending();
    await time.advance(TIMEOUT_MS);
    const result = await pending;

    expect(result).toMatchObject({ method: "extractive", fallbackReason: "timeout", messagesCompacted: 11 });
    const live = await conversations.live(result.conversationId);
    expect(live.parts.map((p) => (p.summary ? "summary" : p.seq))).toEqual(["summary", 11]);
  });

  it("refuses a session with nothing to compact, or none at all, writing nothing", async () => {
    const provider = answering("unused");
    const { sessions, queenSession, db } = await world(provider);
    const empty = await queenSession(0);
    const taken = await queenSession(1);
    const head = await db.events.headPosition();

    await expect(sessions.compactAndFork(empty.sessionId)).rejects.toMatchObject({ code: "nothing_to_compact" });
    await expect(sessions.compactAndFork("nobody")).rejects.toMatchObject({ code: "session_not_found" });
    await expect(sessions.compactAndFork(taken.sessionId, { sessionId: empty.sessionId })).rejects.toMatchObject({
      code: "session_already_started",
    });

    expect(await db.events.headPosition()).toBe(head);
    expect(provider.requests).toHaveLength(0);
  });
});

import { describe, expect, it } from "vitest";
import { systemTimers } from "../../../src/adapters/system/system-timers.js";
import { CircuitBreaker } from "../../../src/runtime/compaction/circuit-breaker.js";
import type { Compacted, CompactionOutcome } from "../../../src/runtime/compaction/compactor.js";
import { estimateContextTokens } from "../../../src/runtime/compaction/token-estimate.js";
import { ManualTime } from "../../support/manual-time.js";
import { compactionWorlds, conversationWithTurns, TIMEOUT_MS, turnsOf } from "./compaction-fixture.js";
import { answering, failingThenAnswering, hung, neverAnswering, throwing } from "./fake-providers.js";

const world = compactionWorlds();

function compacted(outcome: CompactionOutcome): Compacted {
  if (!outcome.compacted) throw new Error(`not compacted: ${outcome.reason}`);
  return outcome;
}

describe("Compactor.compact", () => {
  it("uses the model's summary when it answers, asking about the cut parts only", async () => {
    const provider = answering("The person asked for word counts of files 0 to 9; all were counted.");
    const { conversations, compactor } = await world({ provider });
    await conversationWithTurns(conversations, "q", 10);

    const outcome = compacted(await compactor.compact("q", { keepLast: 4 }));

    expect(outcome.method).toBe("llm");
    expect(outcome.fallbackReason).toBeNull();
    expect(outcome.summary).toBe(
      "Summary of 36 earlier messages:\nThe person asked for word counts of files 0 to 9; all were counted.",
    );
    expect(outcome.throughSeq).toBe(35);
    expect(provider.requests).toHaveLength(1);
    const asked = provider.requests[0]?.messages[0]?.content ?? "";
    expect(asked).toContain("Request 0: count the words of file 0.txt");
    expect(asked).toContain("-> calls read_file");
    expect(asked).not.toContain("Request 9:");
    expect(provider.requests[0]?.tools).toEqual([]);
    const live = await conversations.live("q");
    expect(live.compaction?.method).toBe("llm");
    expect(live.parts[0]?.content).toBe(outcome.summary);
  });

  it("falls back to the extractive summary when the provider never answers: history intact, live context shorter", async () => {
    const provider = neverAnswering();
    const { conversations, compactor, time } = await world({ provider });
    await conversationWithTurns(conversations, "q", 10);
    const before = await conversations.live("q");
    const head = await conversations.head("q");

    const pending = compactor.compact("q", { keepLast: 4 });
    await time.untilPending();
    await time.advance(TIMEOUT_MS);
    const outcome = compacted(await pending);

    expect(provider.requests).toHaveLength(1);
    expect(outcome.method).toBe("extractive");
    expect(outcome.fallbackReason).toBe("timeout");
    expect(outcome.summary).toMatch(/^Summary of 36 earlier messages \(extractive\)\.\nFirst request: Request 0:/);
    expect(outcome.version).toBe(head.version + 1);

    // The history reads every part, marked compacted up to the cut, and the compaction itself.
    const history = await conversations.history("q");
    expect(history.parts).toHaveLength(40);
    expect(history.parts.map((p) => p.content)).toEqual(before.parts.map((p) => p.content));
    expect(history.parts.filter((p) => p.compacted)).toHaveLength(36);
    expect(history.compactions).toMatchObject([{ throughSeq: 35, method: "extractive", summary: outcome.summary }]);

    // The live context starts with the summary, then the kept parts; it is shorter.
    const live = await conversations.live("q");
    expect(live.parts).toHaveLength(5);
    expect(live.parts[0]).toMatchObject({ summary: true, role: "user", content: outcome.summary });
    expect(live.parts.slice(1).map((p) => p.seq)).toEqual([36, 37, 38, 39]);
    expect(estimateContextTokens(live)).toBeLessThan(estimateContextTokens(before));
    expect(outcome.counts).toEqual({
      partsCompacted: 36,
      tokensBefore: estimateContextTokens(before),
      tokensAfter: estimateContextTokens(live),
    });
  });

  it("does not wait on a provider that ignores its abort signal (real timers, short timeout)", async () => {
    const provider = hung();
    const { conversations, compactor } = await world({ provider, timers: systemTimers, timeoutMs: 20 });
    await conversationWithTurns(conversations, "q", 3);

    const outcome = compacted(await compactor.compact("q", { keepLast: 0 }));

    expect(outcome.method).toBe("extractive");
    expect(outcome.fallbackReason).toBe("timeout");
    expect(outcome.fallbackMessage).toContain("gave no summary within 20 ms");
  });

  it("falls back to the extractive summary when the provider throws", async () => {
    const { conversations, compactor } = await world({ provider: throwing() });
    await conversationWithTurns(conversations, "q", 3);

    const outcome = compacted(await compactor.compact("q", { keepLast: 2 }));

    expect(outcome.method).toBe("extractive");
    expect(outcome.fallbackReason).toBe("failed");
    expect(outcome.fallbackMessage).toContain("upstream answered 500");
    expect((await conversations.live("q")).parts[0]?.summary).toBe(true);
  });

  it("falls back on an empty answer, and compacts extractively without a provider at all", async () => {
    const empty = await world({ provider: answering("   ") });
    await conversationWithTurns(empty.conversations, "q", 2);
    expect(compacted(await empty.compactor.compact("q", { keepLast: 1 })).fallbackReason).toBe("empty");

    const none = await world({ provider: null });
    await conversationWithTurns(none.conversations, "q", 2);
    const outcome = compacted(await none.compactor.compact("q", { keepLast: 1 }));
    expect(outcome).toMatchObject({ method: "extractive", fallbackReason: "no_provider" });
  });

  it("stops calling a failing model once the breaker opens, and calls it again after the cooldown", async () => {
    const provider = failingThenAnswering(3, "Recovered summary.");
    const time = new ManualTime();
    const breaker = new CircuitBreaker({ clock: time, failureThreshold: 3, cooldownMs: 60_000 });
    const { conversations, compactor } = await world({ provider, breaker });
    await conversationWithTurns(conversations, "q", 1);
    const compactOnce = async () => {
      await conversations.append("q", ...turnsOf(1));
      return compacted(await compactor.compact("q", { keepLast: 1 }));
    };

    for (let i = 0; i < 3; i++) expect((await compactOnce()).fallbackReason).toBe("failed");
    expect(breaker.state).toBe("open");
    expect((await compactOnce()).fallbackReason).toBe("breaker_open");
    expect((await compactOnce()).fallbackReason).toBe("breaker_open");
    expect(provider.requests).toHaveLength(3);

    await time.advance(60_000);
    const recovered = await compactOnce();
    expect(recovered).toMatchObject({ method: "llm", fallbackReason: null });
    expect(provider.requests).toHaveLength(4);
    expect(breaker.state).toBe("closed");
  });

  it("leaves the live context alone when every part is among the kept ones", async () => {
    const { conversations, compactor, db } = await world({ provider: answering("x") });
    await conversationWithTurns(conversations, "q", 1);
    const head = await db.events.headPosition();

    expect(await compactor.compact("q", { keepLast: 4 })).toEqual({
      compacted: false,
      conversationId: "q",
      reason: "nothing_to_compact",
    });
    expect(await db.events.headPosition()).toBe(head);
  });

  it("compacts a second time over the first summary", async () => {
    const provider = answering("Second summary.");
    const { conversations, compactor } = await world({ provider });
    await conversationWithTurns(conversations, "q", 3);
    compacted(await compactor.compact("q", { keepLast: 2 }));
    await conversations.append("q", ...turnsOf(2, 3));

    const second = compacted(await compactor.compact("q", { keepLast: 2 }));

    // Keeping 2 would start at a tool result (18): the cut moves before its call (17).
    expect(second.throughSeq).toBe(16);
    expect(second.counts.partsCompacted).toBe(8);
    expect(provider.requests[1]?.messages[0]?.content).toContain("[summary of the conversation before this point]");
    const history = await conversations.history("q");
    expect(history.parts).toHaveLength(20);
    expect(history.compactions.map((k) => k.throughSeq)).toEqual([8, 16]);
    expect((await conversations.live("q")).parts.map((p) => p.seq)).toEqual([16, 17, 18, 19]);
  });

  it("appends at the new version when a part lands while the model is summarising", async () => {
    const { conversations, compactor, time } = await world({ provider: neverAnswering() });
    await conversationWithTurns(conversations, "q", 3);

    const pending = compactor.compact("q", { keepLast: 2 });
    await time.untilPending();
    const [late] = await conversations.append("q", { role: "user", content: "One more thing." });
    await time.advance(TIMEOUT_MS);
    const outcome = compacted(await pending);

    expect(outcome.throughSeq).toBe(8);
    expect(outcome.version).toBe((late?.version ?? 0) + 1);
    const live = await conversations.live("q");
    expect(live.parts.map((p) => p.content).at(-1)).toBe("One more thing.");
    expect(live.parts.map((p) => p.seq)).toEqual([8, 9, 10, 11, 12]);
  });

  it("writes nothing when the caller aborts the summary", async () => {
    const { conversations, compactor, time, db } = await world({ provider: neverAnswering() });
    await conversationWithTurns(conversations, "q", 3);
    const head = await db.events.headPosition();
    const stop = new AbortController();

    const pending = compactor.compact("q", { keepLast: 2, signal: stop.signal });
    await time.untilPending();
    stop.abort(new Error("agent stopped"));

    await expect(pending).rejects.toThrow("agent stopped");
    expect(await db.events.headPosition()).toBe(head);
    expect(compactor.summariser.breaker.consecutiveFailures).toBe(0);
  });
});

describe("Compactor.compactIfNeeded", () => {
  it("compacts only once the context reaches the threshold of its limits", async () => {
    const { conversations, compactor } = await world({ provider: answering("Short.") });
    await conversations.start(
      "small",
      { kind: "queen", id: "queen1" },
      "",
      // threshold 2,000 − (200 + 0.1 × 2,000) = 1,600 tokens: between 3 and 4 turns of the fixture.
      { maxContextTokens: 2_000, compactionBufferTokens: 200, compactionRatio: 0.1 },
    );
    await conversations.append("small", ...turnsOf(2));
    expect(await compactor.compactIfNeeded("small")).toMatchObject({ compacted: false, reason: "below_threshold" });

    await conversations.append("small", ...turnsOf(12, 2));
    const outcome = compacted(await compactor.compactIfNeeded("small"));
    expect(outcome.counts.tokensBefore).toBeGreaterThanOrEqual(1_600);
    expect(outcome.counts.tokensAfter).toBeLessThan(1_600);
    expect(await compactor.compactIfNeeded("small")).toMatchObject({ compacted: false, reason: "below_threshold" });
  });
});

describe("forks and compaction", () => {
  it("a fork taken before the compaction keeps the full context; one taken after starts from the summary", async () => {
    const { conversations, compactor } = await world({ provider: answering("Everything so far.") });
    await conversationWithTurns(conversations, "q", 3);
    await conversations.fork("before", "q", { kind: "worker", id: "w1" }, "spawn");

    const outcome = compacted(await compactor.compact("q", { keepLast: 2 }));
    await conversations.fork("after", "q", { kind: "worker", id: "w2" }, "spawn");

    const before = await conversations.live("before");
    expect(before.compaction).toBeNull();
    expect(before.parts).toHaveLength(12);
    expect(before.parts.some((p) => p.summary)).toBe(false);

    const after = await conversations.live("after");
    expect(after.compaction).toMatchObject({ conversationId: "q", throughSeq: outcome.throughSeq });
    expect(after.parts[0]).toMatchObject({ summary: true, content: outcome.summary, inherited: true });
    // The last two parts are a tool result and the answer: the call before them stays too.
    expect(after.parts.slice(1).map((p) => p.seq)).toEqual([9, 10, 11]);
    // The fork's history still reads every inherited part.
    expect((await conversations.history("after")).parts).toHaveLength(12);
  });

  it("compactedFork plans a fork with its compaction, writing nothing until the caller appends", async () => {
    const { conversations, compactor, db } = await world({ provider: answering("Inherited gist.") });
    await conversationWithTurns(conversations, "q", 2);
    const head = await db.events.headPosition();

    const fork = await compactor.compactedFork({
      conversationId: "colony-queen",
      parentConversationId: "q",
      owner: { kind: "queen", id: "queen1" },
      reason: "test",
    });
    expect(await db.events.headPosition()).toBe(head);
    expect(fork.append.events.map((e) => e.type)).toEqual(["ConversationForked", "ConversationCompacted"]);
    expect(fork.compaction).toMatchObject({ throughSeq: 7, method: "llm" });

    await db.events.appendMany([fork.append]);
    const live = await conversations.live("colony-queen");
    expect(live.parts).toHaveLength(1);
    expect(live.parts[0]).toMatchObject({ summary: true, content: "Summary of 8 earlier messages:\nInherited gist." });
    expect((await conversations.history("colony-queen")).parts).toHaveLength(8);
    // The parent is untouched.
    expect((await conversations.live("q")).compaction).toBeNull();
  });
});

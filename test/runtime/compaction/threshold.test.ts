import { describe, expect, it } from "vitest";
import { compactionThreshold, needsCompaction } from "../../../src/runtime/compaction/threshold.js";
import {
  estimateContextTokens,
  estimatePartTokens,
  estimateTextTokens,
} from "../../../src/runtime/compaction/token-estimate.js";

describe("compactionThreshold = max − (buffer + ratio × max)", () => {
  it.each([
    [{ maxContextTokens: 100_000, compactionBufferTokens: 8_000, compactionRatio: 0.1 }, 82_000],
    [{ maxContextTokens: 180_000, compactionBufferTokens: 8_000, compactionRatio: 0.1 }, 154_000],
    [{ maxContextTokens: 128_000, compactionBufferTokens: 8_000, compactionRatio: 0.5 }, 56_000],
    [{ maxContextTokens: 50_000, compactionBufferTokens: 0, compactionRatio: 0 }, 50_000],
    // 1001 − 500.5 = 500.5, floored to whole tokens.
    [{ maxContextTokens: 1_001, compactionBufferTokens: 0, compactionRatio: 0.5 }, 500],
    // A reserve bigger than the window: always compact, never a negative threshold.
    [{ maxContextTokens: 10_000, compactionBufferTokens: 9_000, compactionRatio: 0.5 }, 0],
  ])("%o → %i", (limits, expected) => {
    expect(compactionThreshold(limits)).toBe(expected);
  });
});

describe("token estimate", () => {
  it("is about four characters a token plus four per message, tool calls included", () => {
    expect(estimateTextTokens("")).toBe(0);
    expect(estimateTextTokens("abcd")).toBe(1);
    expect(estimateTextTokens("abcde")).toBe(2);
    expect(estimatePartTokens({ content: "a".repeat(40), toolCalls: null })).toBe(14);
    // name "read" (1) + arguments {"p":"x.txt"} (15 chars → 4)
    expect(estimatePartTokens({ content: "", toolCalls: [{ id: "c", name: "read", arguments: { p: "x.txt" } }] })).toBe(
      4 + 1 + 4,
    );
    expect(
      estimateContextTokens({
        systemPrompt: "s".repeat(8),
        parts: [{ content: "x".repeat(8), toolCalls: null } as never, { content: "", toolCalls: null } as never],
      }),
    ).toBe(2 + (4 + 2) + 4);
  });
});

describe("needsCompaction", () => {
  const limits = { maxContextTokens: 1_000, compactionBufferTokens: 100, compactionRatio: 0.1 }; // threshold 800
  const context = (tokens: number) => ({
    systemPrompt: null,
    // One part: 4 tokens of overhead, the rest text.
    parts: [{ content: "x".repeat((tokens - 4) * 4), toolCalls: null } as never],
  });

  it("is true from the threshold on, false below it", () => {
    expect(compactionThreshold(limits)).toBe(800);
    expect(needsCompaction(context(799), limits)).toBe(false);
    expect(needsCompaction(context(800), limits)).toBe(true);
    expect(needsCompaction(context(5_000), limits)).toBe(true);
  });
});

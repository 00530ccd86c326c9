import { describe, expect, it } from "vitest";
import { extractiveSummary } from "../../../src/runtime/compaction/extractive-summary.js";
import { call, part } from "./live-parts.js";

describe("extractiveSummary", () => {
  const parts = [
    part(0, "user", "Please count the words of a.txt and b.txt."),
    part(1, "assistant", "I will read both files. Then I will count.", {
      toolCalls: [call("1", "read_file", { path: "a.txt" }), call("2", "read_file", { path: "b.txt" })],
    }),
    part(2, "tool", "the cat sat", { toolCallId: "1" }),
    part(3, "tool", "on the mat", { toolCallId: "2" }),
    part(4, "assistant", "a.txt has 3 words!   b.txt has 3 words.", { toolCalls: [call("3", "report")] }),
    part(5, "user", "Now   the total?"),
    part(6, "assistant", "The total is 6 words"),
  ];

  it("gives the first request, later requests, first sentences, tools and the last message", () => {
    expect(extractiveSummary(parts)).toBe(
      [
        "Summary of 7 earlier messages (extractive).",
        "First request: Please count the words of a.txt and b.txt.",
        "Later requests:",
        "- Now the total?",
        "Assistant:",
        "- I will read both files.",
        "- a.txt has 3 words!",
        "- The total is 6 words",
        "Tools used: read_file ×2, report",
        "Last message (assistant): The total is 6 words",
      ].join("\n"),
    );
  });

  it("is the same text for the same parts", () => {
    expect(extractiveSummary(parts)).toBe(extractiveSummary(parts.map((p) => ({ ...p }))));
  });

  it("keeps the gist of an earlier summary", () => {
    const text = extractiveSummary([part(9, "user", "Earlier: the files were listed.", { summary: true }), ...parts]);
    expect(text.split("\n")[1]).toBe("Earlier summary: Earlier: the files were listed.");
    expect(text.startsWith("Summary of 7 earlier messages")).toBe(true);
  });

  it("stays within its bound however long the history, keeping the first and last items", () => {
    const long = Array.from({ length: 400 }, (_, i) =>
      part(i, i % 2 === 0 ? "user" : "assistant", `Message ${i}. ${"words ".repeat(200)}`),
    );
    const text = extractiveSummary(long);
    expect(text.length).toBeLessThanOrEqual(4_000);
    expect(text).toContain("- Message 1.");
    expect(text).toContain("- Message 399.");
    expect(text).toContain("(190 more)");
    expect(extractiveSummary(long, { maxChars: 300 }).length).toBeLessThanOrEqual(300);
  });
});

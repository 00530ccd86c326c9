import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/domain/errors.js";
import { compactionBoundary } from "../../../src/runtime/compaction/boundary.js";
import { call, part } from "./live-parts.js";

const seqs = (parts: readonly { seq: number }[]) => parts.map((p) => p.seq);

describe("compactionBoundary", () => {
  const plain = [0, 1, 2, 3, 4, 5].map((s) => part(s, s % 2 === 0 ? "user" : "assistant", `m${s}`));

  it("cuts all but the last keepLast parts", () => {
    const boundary = compactionBoundary(plain, 2);
    expect(seqs(boundary?.compacted ?? [])).toEqual([0, 1, 2, 3]);
    expect(seqs(boundary?.kept ?? [])).toEqual([4, 5]);
    expect(boundary?.throughSeq).toBe(3);
    expect(boundary?.partsCompacted).toBe(4);
  });

  it("cuts everything with keepLast 0, and nothing when every part is kept", () => {
    expect(compactionBoundary(plain, 0)?.throughSeq).toBe(5);
    expect(compactionBoundary(plain, 6)).toBeNull();
    expect(compactionBoundary(plain, 60)).toBeNull();
    expect(compactionBoundary([], 0)).toBeNull();
  });

  it("never separates an assistant's tool calls from their results", () => {
    const parts = [
      part(0, "user", "go"),
      part(1, "assistant", "reading", { toolCalls: [call("a", "read"), call("b", "read")] }),
      part(2, "tool", "A", { toolCallId: "a" }),
      part(3, "tool", "B", { toolCallId: "b" }),
      part(4, "assistant", "done"),
    ];
    // keepLast 2 would start the kept parts at the second tool result; the cut moves before the call.
    const boundary = compactionBoundary(parts, 2);
    expect(seqs(boundary?.kept ?? [])).toEqual([1, 2, 3, 4]);
    expect(boundary?.throughSeq).toBe(0);
    // Cutting before the call would leave nothing to compact.
    expect(compactionBoundary(parts.slice(1), 2)).toBeNull();
  });

  it("folds an earlier summary into the new one without counting it as a part", () => {
    const parts = [
      part(3, "user", "earlier summary", { summary: true }),
      part(4, "user", "a"),
      part(5, "assistant", "b"),
    ];
    const boundary = compactionBoundary(parts, 1);
    expect(boundary?.compacted.map((p) => p.content)).toEqual(["earlier summary", "a"]);
    expect(boundary?.partsCompacted).toBe(1);
    expect(boundary?.throughSeq).toBe(4);
    // Only the summary and kept parts: nothing new to cut.
    expect(compactionBoundary(parts.slice(0, 2), 1)).toBeNull();
  });

  it("refuses a keepLast that is not a non-negative integer", () => {
    expect(() => compactionBoundary(plain, -1)).toThrow(InvalidArgumentError);
    expect(() => compactionBoundary(plain, 1.5)).toThrow(InvalidArgumentError);
  });
});

import { START } from "@eventstore/db-client";
import { describe, expect, it } from "vitest";
import { commitOfPosition, positionOfCommit, seekPosition } from "../../../src/adapters/eventstoredb/log-position.js";

describe("positions from commit positions", () => {
  it("doubles the commit position, keeping order and the commit position recoverable", () => {
    const commits = [1_234n, 1_618n, 2n ** 62n - 5n];
    const positions = commits.map(positionOfCommit);
    expect(positions).toEqual([2_468n, 3_236n, 2n ** 63n - 10n]);
    expect(positions.map(commitOfPosition)).toEqual(commits);
  });

  it("seeks an event's position and the position after it to that event's own record", () => {
    const commit = 1_618n;
    const position = positionOfCommit(commit);
    expect(seekPosition(position)).toEqual({ commit, prepare: commit });
    expect(seekPosition(position + 1n)).toEqual({ commit, prepare: commit });
  });

  it("starts the log's first read, and a resume from checkpoint 0n, at the start", () => {
    expect(seekPosition(0n)).toBe(START);
    expect(seekPosition(0n + 1n)).toBe(START);
  });
});

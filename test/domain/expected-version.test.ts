import { describe, expect, it } from "vitest";
import { VersionConflictError } from "../../src/domain/errors.js";
import { assertExpectedVersion, nextVersion, satisfies } from "../../src/domain/expected-version.js";

describe("expected version", () => {
  it.each([
    ["any", "no_stream", true],
    ["any", 4n, true],
    ["no_stream", "no_stream", true],
    ["no_stream", 0n, false],
    ["stream_exists", "no_stream", false],
    ["stream_exists", 0n, true],
    [3n, 3n, true],
    [3n, 2n, false],
    [0n, "no_stream", false],
  ] as const)("expected %s against actual %s: %s", (expected, actual, ok) => {
    expect(satisfies(expected, actual)).toBe(ok);
  });

  it("throws a conflict carrying the stream, the expected and the actual version", () => {
    try {
      assertExpectedVersion("task-t1", 2n, 5n);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(VersionConflictError);
      expect(error).toMatchObject({ code: "version_conflict", streamId: "task-t1", expected: 2n, actual: 5n });
      expect((error as Error).message).toBe("stream task-t1: expected version 2, actual version 5");
    }
  });

  it("numbers the first event of a new stream 0", () => {
    expect(nextVersion("no_stream")).toBe(0n);
    expect(nextVersion(6n)).toBe(7n);
  });
});

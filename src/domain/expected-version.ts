import { type ExpectedVersion, type StreamRevision, VersionConflictError } from "./errors.js";

/** Whether a stream at `actual` may take an append that expects `expected`. */
export function satisfies(expected: ExpectedVersion, actual: StreamRevision): boolean {
  switch (expected) {
    case "any":
      return true;
    case "no_stream":
      return actual === "no_stream";
    case "stream_exists":
      return actual !== "no_stream";
    default:
      return actual === expected;
  }
}

export function assertExpectedVersion(streamId: string, expected: ExpectedVersion, actual: StreamRevision): void {
  if (!satisfies(expected, actual)) throw new VersionConflictError(streamId, expected, actual);
}

export function nextVersion(actual: StreamRevision): bigint {
  return actual === "no_stream" ? 0n : actual + 1n;
}

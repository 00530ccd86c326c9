import {
  AccessDeniedError,
  convertToCommandError,
  DeadlineExceededError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from "@eventstore/db-client";
import { Metadata, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import {
  isResendable,
  isStreamNotFound,
  isWrongExpectedVersion,
  versionConflictFrom,
} from "../../../src/adapters/eventstoredb/client-errors.js";
import { VersionConflictError } from "../../../src/domain/errors.js";

/** A gRPC failure as the server sends it, turned into the client's error by the client itself. */
function fromServer(code: status, entries: Record<string, string>): Error {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  const failure = Object.assign(new Error(`${code} server refusal`), { code, details: "server refusal", metadata });
  return convertToCommandError(failure);
}

describe("the client's WrongExpectedVersionError as our VersionConflictError", () => {
  it('carries "no_stream" when the server reports the stream missing', () => {
    const error = new WrongExpectedVersionError(undefined, {
      streamName: "worker-w",
      expected: 3n,
      current: "no_stream",
    });
    expect(error.actualVersion).toBe("no_stream");
    const conflict = versionConflictFrom(error, "worker-w", 3n);
    expect(conflict).toBeInstanceOf(VersionConflictError);
    expect(conflict).toMatchObject({
      code: "version_conflict",
      streamId: "worker-w",
      expected: 3n,
      actual: "no_stream",
    });
  });

  it("carries the actual revision as a bigint", () => {
    const error = new WrongExpectedVersionError(undefined, {
      streamName: "ns:task-t",
      expected: "no_stream",
      current: 4n,
    });
    const conflict = versionConflictFrom(error, "task-t", "no_stream");
    expect(conflict?.actual).toBe(4n);
    expect(conflict?.expected).toBe("no_stream");
    expect(conflict?.message).toBe("stream task-t: expected version no_stream, actual version 4");
  });

  it("reads the versions the server puts in the error's gRPC metadata, an empty actual version meaning no stream", () => {
    const missing = fromServer(status.FAILED_PRECONDITION, {
      exception: "wrong-expected-version",
      "stream-name": "worker-w",
      "expected-version": "0",
      "actual-version": "",
    });
    expect(isWrongExpectedVersion(missing)).toBe(true);
    expect(versionConflictFrom(missing as WrongExpectedVersionError, "worker-w", 0n)?.actual).toBe("no_stream");

    const behind = fromServer(status.FAILED_PRECONDITION, {
      exception: "wrong-expected-version",
      "stream-name": "worker-w",
      "expected-version": "0",
      "actual-version": "9007199254740993",
    });
    expect(versionConflictFrom(behind as WrongExpectedVersionError, "worker-w", 0n)?.actual).toBe(
      9_007_199_254_740_993n,
    );
  });

  it("gives undefined when the error carries no readable actual version", () => {
    const odd = new WrongExpectedVersionError(undefined, {
      streamName: "worker-w",
      expected: "any",
      current: "latest" as never,
    });
    expect(versionConflictFrom(odd, "worker-w", "any")).toBeUndefined();
  });
});

describe("telling the client's errors apart", () => {
  it("recognises a missing stream, also as the server reports it", () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, "worker-w"))).toBe(true);
    expect(
      isStreamNotFound(fromServer(status.NOT_FOUND, { exception: "stream-not-found", "stream-name": "worker-w" })),
    ).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
    expect(isStreamNotFound(new Error("stream-not-found"))).toBe(false);
  });

  it("resends only writes whose outcome is unknown or that were refused before writing", () => {
    expect(isResendable(new UnavailableError())).toBe(true);
    expect(isResendable(new DeadlineExceededError())).toBe(true);
    expect(isResendable(new TimeoutError())).toBe(true);
    expect(isResendable(fromServer(status.UNAVAILABLE, {}))).toBe(true);
    expect(
      isResendable(
        fromServer(status.NOT_FOUND, {
          exception: "not-leader",
          "leader-endpoint-host": "node2",
          "leader-endpoint-port": "2113",
        }),
      ),
    ).toBe(true);
    expect(isResendable(new AccessDeniedError())).toBe(false);
    expect(isResendable(new WrongExpectedVersionError(undefined, { streamName: "s", expected: 1n, current: 2n }))).toBe(
      false,
    );
    expect(isResendable(new Error("unavailable"))).toBe(false);
    expect(isResendable(undefined)).toBe(false);
  });
});

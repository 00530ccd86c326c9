import { ErrorType, type WrongExpectedVersionError } from "@eventstore/db-client";
import { type ExpectedVersion, VersionConflictError } from "../../domain/errors.js";
import { fromCurrentRevision } from "./expected-revision.js";

/**
 * The client's errors are told apart by their `type` (its `ErrorType`), not by `instanceof`: two
 * copies of the client in one process would have two sets of classes.
 */
function typeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const type = (error as { type?: unknown }).type;
  return typeof type === "string" ? type : undefined;
}

/** Reading a stream that was never written: the client raises it while iterating. */
export function isStreamNotFound(error: unknown): boolean {
  return typeOf(error) === ErrorType.STREAM_NOT_FOUND;
}

export function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return typeOf(error) === ErrorType.WRONG_EXPECTED_VERSION;
}

const RESENDABLE: ReadonlySet<string> = new Set([
  // The request may have reached the server and been written, or not: only a resend tells.
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  // Refused before writing; the client finds the new leader for the next call.
  ErrorType.NOT_LEADER,
]);

/**
 * A write that failed this way may be sent again with the same event ids: the server recognises
 * events it already holds by id and acknowledges them instead of writing them twice.
 */
export function isResendable(error: unknown): boolean {
  const type = typeOf(error);
  return type !== undefined && RESENDABLE.has(type);
}

/**
 * The server's refusal in our terms: the stream, what the append expected, and the actual
 * version (`"no_stream"` or a bigint). `undefined` when the error carries no readable actual
 * version, so the caller reads it from the stream rather than report a made-up one.
 */
export function versionConflictFrom(
  error: WrongExpectedVersionError,
  streamId: string,
  expected: ExpectedVersion,
): VersionConflictError | undefined {
  const actual = fromCurrentRevision(error.actualVersion);
  return actual === undefined ? undefined : new VersionConflictError(streamId, expected, actual);
}

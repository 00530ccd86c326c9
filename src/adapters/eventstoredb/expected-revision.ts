import {
  ANY,
  type AppendExpectedRevision,
  type CurrentRevision,
  NO_STREAM,
  STREAM_EXISTS,
} from "@eventstore/db-client";
import type { ExpectedVersion, StreamRevision } from "../../domain/errors.js";

/**
 * Our expected versions and the client's expected revisions are the same four forms under other
 * spellings; both number revisions from 0, so a version is passed through as is.
 */
export function toExpectedRevision(expected: ExpectedVersion): AppendExpectedRevision {
  switch (expected) {
    case "any":
      return ANY;
    case "no_stream":
      return NO_STREAM;
    case "stream_exists":
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

export function fromExpectedRevision(expected: AppendExpectedRevision): ExpectedVersion {
  switch (expected) {
    case ANY:
      return "any";
    case NO_STREAM:
      return "no_stream";
    case STREAM_EXISTS:
      return "stream_exists";
    default:
      return expected;
  }
}

/**
 * A stream's current revision as the server reported it, in our representation. The client
 * types it as `"no_stream" | bigint`; a revision that arrives in any other shape (a number, a
 * decimal string, as other client versions or servers have sent) is read as what it means (a
 * negative revision is the server's own spelling of "no stream", -1), and anything unreadable
 * gives `undefined`, so the caller asks the server again instead of guessing.
 */
export function fromCurrentRevision(
  current: CurrentRevision | number | string | undefined,
): StreamRevision | undefined {
  if (current === NO_STREAM) return "no_stream";
  if (typeof current === "bigint") return current >= 0n ? current : "no_stream";
  if (typeof current === "number" && Number.isSafeInteger(current)) return current >= 0 ? BigInt(current) : "no_stream";
  if (typeof current === "string" && /^(0|[1-9][0-9]*)$/.test(current)) return BigInt(current);
  return undefined;
}

import { ColonyError } from "../../domain/errors.js";
import type { AppendResult } from "../../domain/ports/event-store.js";

/**
 * A record this adapter cannot read as a colonylog event: it names the record and why, rather
 * than guessing (a missing log position, an event written by the legacy TCP API inside an
 * explicit transaction, a payload that is not our JSON).
 */
export class UnsupportedRecordError extends ColonyError<"unsupported_record"> {
  constructor(
    readonly streamName: string,
    readonly revision: bigint | undefined,
    reason: string,
  ) {
    super(
      "unsupported_record",
      `EventStoreDB record ${streamName}${revision === undefined ? "" : `@${revision}`}: ${reason}`,
      { streamName, revision: revision === undefined ? undefined : String(revision), reason },
    );
  }
}

/**
 * `appendMany` wrote some streams, then failed on another: the server cannot append to several
 * streams atomically. `written` holds what this call wrote (send the same appends again with the
 * same event ids and those come back as stored, without being written twice); `cause` is the
 * failure.
 */
export class PartialAppendError extends ColonyError<"partial_append"> {
  constructor(
    readonly written: readonly AppendResult[],
    readonly failedStreamId: string,
    override readonly cause: unknown,
  ) {
    const streams = written.map((r) => `${r.streamId}@${r.nextExpectedVersion}`).join(", ");
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      "partial_append",
      `appendMany wrote ${streams}, then failed on ${failedStreamId}: ${reason}; the written streams stay written (EventStoreDB cannot append to several streams atomically)`,
      {
        written: written.map((r) => ({ streamId: r.streamId, nextExpectedVersion: String(r.nextExpectedVersion) })),
        failedStreamId,
        cause: cause instanceof ColonyError ? cause.code : reason,
      },
    );
  }
}

/**
 * The server acknowledged an append, yet the stream holds neither these events at the revisions
 * it reported nor anywhere else: nothing this adapter can return as "the events as stored".
 */
export class UnconfirmedAppendError extends ColonyError<"unconfirmed_append"> {
  constructor(
    readonly streamId: string,
    readonly nextExpectedRevision: bigint,
  ) {
    super(
      "unconfirmed_append",
      `the server acknowledged the append to ${streamId} up to revision ${nextExpectedRevision}, but its events are not in the stream`,
      { streamId, nextExpectedRevision: String(nextExpectedRevision) },
    );
  }
}

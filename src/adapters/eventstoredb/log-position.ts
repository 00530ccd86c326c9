import { type Position, START } from "@eventstore/db-client";

/**
 * Our global position of an event stored at commit position `commit` of the transaction log:
 * twice the commit position.
 *
 * Why not the commit position itself: the port resumes with `checkpoint + 1n`, and the server
 * can only start a read of $all at a record boundary. A commit position is a byte offset into the
 * log, so `commit + 1` lies inside the record and the server refuses it ("invalid position"; it
 * seeks to that byte and reads a record there). Doubling keeps every number unambiguous: an even
 * position is an event's own, an odd one is "just after" the event at the even position below
 * it, and both seek to that event's exact record. Order and gaps are the commit positions', so
 * the $all checkpoint is still the commit position (`position / 2n`).
 */
export function positionOfCommit(commit: bigint): bigint {
  return commit * 2n;
}

export function commitOfPosition(position: bigint): bigint {
  return position / 2n;
}

/**
 * Where a read that delivers events at or after `from` (inclusive, our positions) starts on the
 * server: the record of the event `from` names, or the start of the log for 0n and 1n. The
 * reader drops what it gets before `from` (the event itself when `from` is odd).
 */
export function seekPosition(from: bigint): Position | typeof START {
  const commit = from / 2n;
  // Commit 0 is the log's first record (the server's own epoch), never one of our events.
  return commit === 0n ? START : { commit, prepare: commit };
}

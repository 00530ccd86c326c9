import { conversationStream, type MessagePartAppended, messagePart } from "./conversation-events.js";

/** One append: events for one stream, in one transaction. */
export interface WorkloadAppend {
  readonly streamId: string;
  readonly events: readonly MessagePartAppended[];
}

export interface WorkloadShape {
  /** Events per append (per transaction). */
  readonly batchSize: number;
  /** Appends go round-robin over this many streams. */
  readonly streams: number;
}

/**
 * The appends of events `first` .. `first + count - 1` of a workload, built ahead of timing so
 * every contender gets the very same event objects. `count` is a multiple of the batch size.
 */
export function workloadSlice(shape: WorkloadShape, first: number, count: number): WorkloadAppend[] {
  const appends: WorkloadAppend[] = [];
  for (let start = first; start < first + count; start += shape.batchSize) {
    const index = start / shape.batchSize;
    const events = Array.from({ length: shape.batchSize }, (_, i) => messagePart(start + i));
    appends.push({ streamId: conversationStream(index % shape.streams), events });
  }
  return appends;
}

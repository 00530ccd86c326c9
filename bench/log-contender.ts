import type { WorkloadAppend } from "./log-workload.js";

/** Something that stores the log workload: our event store, the raw baseline, a peer store. */
export interface LogWriter {
  /** Appends one stream's events in one transaction, expecting the stream's exact current version. */
  append(append: WorkloadAppend): Promise<void>;
  close(): Promise<void>;
}

export interface LogReader {
  /** Reads the whole log in position order, decoding data and metadata; returns how many events it saw. */
  scan(): Promise<number>;
  close(): Promise<void>;
}

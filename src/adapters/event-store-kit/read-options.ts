import { InvalidArgumentError } from "../../domain/errors.js";
import type { ReadStreamOptions } from "../../domain/ports/event-store.js";

/** A count option (limit, page size, interval): a positive safe integer, or a clear error. */
export function readLimit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(name, `expected a positive integer, got ${String(value)}`);
  }
  return value;
}

/** The largest position or version every store can index (a signed 64-bit integer). */
export const MAX_POSITION = 2n ** 63n - 1n;

/** A position or version given to a read: a bigint in the range every store can index. */
export function readPosition(name: string, value: bigint): bigint {
  if (typeof value !== "bigint" || value < 0n || value > MAX_POSITION) {
    throw new InvalidArgumentError(name, `expected a bigint from 0n to ${MAX_POSITION}n, got ${String(value)}`);
  }
  return value;
}

export interface StreamRange {
  readonly backwards: boolean;
  /** First version to read, inclusive, in the direction of reading. */
  readonly from: bigint;
  /** Last version to read, inclusive, in the direction of reading. */
  readonly to: bigint;
}

/** A stream read's direction and bounds, checked, with the defaults of the port filled in. */
export function readStreamRange(options: ReadStreamOptions): StreamRange {
  const backwards = options.direction === "backwards";
  if (options.direction !== undefined && !backwards && options.direction !== "forwards") {
    throw new InvalidArgumentError("direction", 'expected "forwards" or "backwards"');
  }
  const to = readPosition("to", options.to ?? (backwards ? 0n : MAX_POSITION));
  const from = readPosition("from", options.from ?? (backwards ? MAX_POSITION : 0n));
  return { backwards, from, to };
}

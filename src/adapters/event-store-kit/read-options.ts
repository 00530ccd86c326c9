import { InvalidArgumentError } from "../../domain/errors.js";

/** A count option (limit, page size, interval): a positive safe integer, or a clear error. */
export function readLimit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(name, `expected a positive integer, got ${String(value)}`);
  }
  return value;
}

const MAX_POSITION = 2n ** 63n - 1n;

/** A position or version given to a read: a bigint in the range every store can index. */
export function readPosition(name: string, value: bigint): bigint {
  if (typeof value !== "bigint" || value < 0n || value > MAX_POSITION) {
    throw new InvalidArgumentError(name, `expected a bigint from 0n to ${MAX_POSITION}n, got ${String(value)}`);
  }
  return value;
}

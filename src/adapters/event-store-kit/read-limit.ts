import { InvalidArgumentError } from "../../domain/errors.js";

/** A count option (limit, page size, interval): a positive safe integer, or a clear error. */
export function readLimit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(name, `expected a positive integer, got ${String(value)}`);
  }
  return value;
}

import { InvalidArgumentError as CommanderInvalidArgument, Option } from "commander";
import { parseStreamId } from "../../domain/stream-id.js";

export const DEFAULT_DB = ".colony/colony.db";

/**
 * `--db`, as every verb that opens a log takes it: a SQLite file path or a postgres:// URL
 * (store-location.ts reads it when the verb opens the log). `note` adds what is particular to
 * one verb, in parentheses.
 */
export function dbOption(note?: string): Option {
  const description = "the SQLite file or postgres:// URL of the log";
  return new Option("--db <file|url>", note === undefined ? description : `${description} (${note})`).default(
    DEFAULT_DB,
  );
}

/** `--from`: a global position, 1 for the first event. Rejected by commander with its usual message. */
export function parsePosition(value: string): bigint {
  const text = value.trim();
  if (!/^[1-9][0-9]*$/.test(text) || BigInt(text) > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new CommanderInvalidArgument(
      `expected a positive integer up to ${Number.MAX_SAFE_INTEGER} (a global position; 1 is the first event)`,
    );
  }
  return BigInt(text);
}

/** `--stream`: a `category-id` name with a known category; throws InvalidStreamIdError otherwise. */
export function checkStreamId(value: string): string {
  parseStreamId(value);
  return value;
}

/** A commander parser for a whole number from `min` to `max`; `what` names the unit in the message. */
export function wholeNumber(min: number, max: number, what: string): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const n = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new CommanderInvalidArgument(`expected a whole number of ${what} from ${min} to ${max}`);
    }
    return n;
  };
}

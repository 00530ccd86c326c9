import { z } from "zod";
import { Id } from "../../../domain/events/fields.js";
import { categories, parseStreamId } from "../../../domain/stream-id.js";

/**
 * Schemas for what arrives in paths and query strings. Ids are checked against the log's own id
 * alphabet before any read, so an id can never carry a path separator or a quote anywhere.
 */

export const IdParam = Id;

/** `category-id`, checked by the log's own parser so the API and the store agree on what a stream is. */
export const StreamIdParam = z
  .string()
  .regex(new RegExp(`^(${categories.join("|")})-[A-Za-z0-9_.:~@+=-]{1,200}$`), {
    message: `expected category-id: a category of ${categories.join(", ")}, then an id of A-Z a-z 0-9 _ . : ~ @ + = -`,
    // The parser's message below says the same; one issue per bad value is enough.
    abort: true,
  })
  .superRefine((value, context) => {
    try {
      parseStreamId(value);
    } catch (error) {
      context.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

/**
 * Query strings are text; a whole number is accepted only as plain decimal digits ("1e3", "0x10",
 * " 5" and "" are refused, where Number() would take them). The OpenAPI document shows an integer,
 * so generated clients send numbers.
 */
const digits = (value: unknown) => (typeof value === "string" && /^[0-9]{1,16}$/.test(value) ? Number(value) : value);

export const queryInt = (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(digits, z.number().int().min(min).max(max));

export const queryBool = z
  .enum(["true", "false"])
  .transform((value) => value === "true")
  .optional();

/** Log positions and versions are bigints in the store; the API carries them as JSON numbers. */
export function jsonNumber(value: bigint | number): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`${value} is past the JSON-safe integers`);
  return number;
}

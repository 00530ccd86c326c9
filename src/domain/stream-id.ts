import { InvalidStreamIdError } from "./errors.js";

/** The stream categories of DESIGN §3. The category is the text before the first `-`. */
export const categories = ["colony", "session", "conversation", "worker", "task", "idempotency"] as const;
export type Category = (typeof categories)[number];

// Ids are opaque but travel through URLs, SSE ids and file names of exports: keep them to a
// conservative alphabet so they never need escaping and can never name a path.
const ID_PATTERN = /^[A-Za-z0-9_.:~@+=-]{1,200}$/;

export interface ParsedStreamId {
  readonly category: Category;
  readonly id: string;
}

function isCategory(value: string): value is Category {
  return (categories as readonly string[]).includes(value);
}

export function validateId(id: string, streamId = id): void {
  if (!ID_PATTERN.test(id)) {
    throw new InvalidStreamIdError(streamId, "the id must be 1-200 characters of A-Z a-z 0-9 _ . : ~ @ + = -");
  }
}

export function streamId(category: Category, id: string): string {
  const name = `${category}-${id}`;
  validateId(id, name);
  return name;
}

export function parseStreamId(name: string): ParsedStreamId {
  const dash = name.indexOf("-");
  if (dash <= 0) throw new InvalidStreamIdError(name, "expected category-id");
  const category = name.slice(0, dash);
  if (!isCategory(category)) {
    throw new InvalidStreamIdError(
      name,
      `unknown category ${JSON.stringify(category)} (known: ${categories.join(", ")})`,
    );
  }
  const id = name.slice(dash + 1);
  validateId(id, name);
  return { category, id };
}

export function categoryOf(name: string): string {
  const dash = name.indexOf("-");
  return dash < 0 ? name : name.slice(0, dash);
}

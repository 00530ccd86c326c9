import { InvalidArgumentError } from "../../domain/errors.js";
import type { EventFilter } from "../../domain/ports/event-store.js";
import { categoryOf } from "../../domain/stream-id.js";

/** Decides on the two cheap columns, so a store can skip a row before decoding its JSON. */
export type EventPredicate = (streamId: string, type: string) => boolean;

function nonEmptyStrings(name: string, values: readonly string[] | undefined): Set<string> | undefined {
  if (values === undefined) return undefined;
  if (!Array.isArray(values) || values.some((v) => typeof v !== "string" || v.length === 0)) {
    throw new InvalidArgumentError(`filter.${name}`, "expected an array of non-empty strings");
  }
  return new Set(values);
}

export function compileFilter(filter: EventFilter | undefined): EventPredicate {
  if (!filter) return () => true;
  const categories = nonEmptyStrings("categories", filter.categories);
  const types = nonEmptyStrings("types", filter.types);
  const stream = filter.streamId;
  if (stream !== undefined && (typeof stream !== "string" || stream.length === 0)) {
    throw new InvalidArgumentError("filter.streamId", "expected a stream id");
  }
  return (streamId, type) =>
    (stream === undefined || streamId === stream) &&
    (types === undefined || types.has(type)) &&
    (categories === undefined || categories.has(categoryOf(streamId)));
}

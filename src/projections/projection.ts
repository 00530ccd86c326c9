import type { Compilable, Kysely } from "kysely";
import type { RecordedEvent } from "../domain/envelope.js";
import type { EventData, EventType } from "../domain/events/catalogue.js";
import type { Write } from "./statement.js";

/**
 * A handler is pure: from one event to the writes that fold it into the read model, each a
 * declared `statement` with its values. It never reads, so the same handler runs inside the
 * append transaction (inline), in the runner, in a rebuild and in a time-travel fold, on any SQL
 * dialect. Where a value depends on rows already there, the statement says so in SQL.
 */
export type Handler<T extends EventType> = (event: RecordedEvent<T, EventData<T>>) => readonly Write[];

export type Handlers = { readonly [T in EventType]?: Handler<T> };

export interface Projection<DB = unknown> {
  readonly name: string;
  /** Bump when the handlers or the schema change: the store drops the tables and rebuilds them. */
  readonly version: number;
  /** The tables it owns, in the order they are created (dropped in reverse). */
  readonly tables: readonly string[];
  /** DDL creating the tables and their indexes, built with Kysely's schema builder. */
  readonly schema: (q: Kysely<DB>) => readonly Compilable[];
  readonly handlers: Handlers;
}

/**
 * A projection of any read model, for code that runs projections without reading their tables
 * (stores, runners, hashes): each definition is type-checked against its own tables where written.
 */
// biome-ignore lint/suspicious/noExplicitAny: the schema builder's table map is contravariant; runners never touch it.
export type AnyProjection = Projection<any>;

export function defineProjection<DB>(projection: Projection<DB>): Projection<DB> {
  if (!/^[a-z][a-z0-9_]*$/.test(projection.name))
    throw new Error(`projection name ${projection.name}: expected snake_case`);
  if (!Number.isInteger(projection.version) || projection.version < 1) {
    throw new Error(`projection ${projection.name}: version must be a positive integer`);
  }
  return projection;
}

export function handledTypes(projection: AnyProjection): string[] {
  return Object.keys(projection.handlers);
}

/** Looks up the handler for an event's type, typed loosely: the store dispatches on the type name. */
export function handlerFor(
  projection: AnyProjection,
  type: string,
): ((event: RecordedEvent) => readonly Write[]) | undefined {
  return (projection.handlers as Record<string, (event: RecordedEvent) => readonly Write[]>)[type];
}

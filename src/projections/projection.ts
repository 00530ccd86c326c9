import type { Compilable, Kysely } from "kysely";
import type { RecordedEvent } from "../domain/envelope.js";
import type { EventData, EventType } from "../domain/events/catalogue.js";

/** What a handler asks for: writes built with Kysely, compiled and run by the projection store. */
export type Writes = readonly Compilable[];

/**
 * A handler is pure: from one event to the writes that fold it into the read model. It never
 * reads, so the same handler runs inside the append transaction (inline), in the runner, in a
 * rebuild and in a time-travel fold, on any SQL dialect: `q` only builds queries.
 */
export type Handler<T extends EventType, DB> = (event: RecordedEvent<T, EventData<T>>, q: Kysely<DB>) => Writes;

export type Handlers<DB> = { readonly [T in EventType]?: Handler<T, DB> };

export interface Projection<DB = unknown> {
  readonly name: string;
  /** Bump when the handlers or the schema change: the store drops the tables and rebuilds them. */
  readonly version: number;
  /** The tables it owns, in the order they are created (dropped in reverse). */
  readonly tables: readonly string[];
  /** DDL creating the tables and their indexes. */
  readonly schema: (q: Kysely<DB>) => Writes;
  readonly handlers: Handlers<DB>;
}

export function defineProjection<DB>(projection: Projection<DB>): Projection<DB> {
  if (!/^[a-z][a-z0-9_]*$/.test(projection.name))
    throw new Error(`projection name ${projection.name}: expected snake_case`);
  if (!Number.isInteger(projection.version) || projection.version < 1) {
    throw new Error(`projection ${projection.name}: version must be a positive integer`);
  }
  return projection;
}

export function handledTypes(projection: Projection<unknown>): string[] {
  return Object.keys(projection.handlers);
}

/** Looks up the handler for an event's type, typed loosely: the store dispatches on the type name. */
export function handlerFor<DB>(
  projection: Projection<DB>,
  type: string,
): ((event: RecordedEvent, q: Kysely<DB>) => Writes) | undefined {
  return (projection.handlers as Record<string, (event: RecordedEvent, q: Kysely<DB>) => Writes>)[type];
}
